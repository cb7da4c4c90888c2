use super::*;
use mmlint_ir::Ty;

#[test]
fn builtin_rules_load_and_answer() {
    let db = ApiDb::builtin().unwrap();
    let l = db.lock_fn("mmap_read_lock_killable").unwrap();
    assert_eq!(l.succeeds_when, Some(SucceedsWhen::Zero));
    assert_eq!(
        db.gup("get_user_pages_remote", 7).unwrap().locked_arg,
        Some(6)
    );
    assert_eq!(db.gup("get_user_pages_remote", 8).unwrap().mm_arg, Some(1));
    assert!(db.gup("get_user_pages_remote", 3).is_none());
    assert_eq!(db.vma_source("find_vma_prev").unwrap().out_args, vec![2]);
    assert!(db.is_vma_field("vm_area_struct", "vm_next"));
    assert!(db.knows("find_vma") && !db.knows("printk"));
}

/// A file added to rules/ but not to BUILTIN would silently do nothing.
#[test]
fn every_rules_file_is_built_in() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| format!("rules/{}", e.unwrap().file_name().to_string_lossy()))
        .filter(|n| n.ends_with(".toml"))
        .collect();
    on_disk.sort();
    let mut built: Vec<String> = BUILTIN.iter().map(|(n, _)| n.to_string()).collect();
    built.sort();
    assert_eq!(on_disk, built);
}

#[test]
fn syntax_error_names_file_and_line() {
    let mut db = ApiDb::default();
    let e = db
        .add_str(
            "bad.toml",
            "lock = [\n  { name = \"x\", action = \"acquire\" ",
        )
        .unwrap_err();
    assert_eq!(e.file, "bad.toml");
    assert!(e.message.starts_with("line 2"), "{e}");
}

#[test]
fn unknown_key_is_an_error() {
    let mut db = ApiDb::default();
    let e = db
        .add_str(
            "bad.toml",
            "lock = [{ name = \"x\", action = \"acquire\", mode = \"read\", lock_arg = 0, lock_kind = \"mm\", colour = 1 }]",
        )
        .unwrap_err();
    assert!(e.message.contains("colour"), "{e}");
}

#[test]
fn unknown_action_is_an_error() {
    let mut db = ApiDb::default();
    let e = db
        .add_str(
            "bad.toml",
            "lock = [{ name = \"x\", action = \"grab\", mode = \"read\", lock_arg = 0, lock_kind = \"mm\" }]",
        )
        .unwrap_err();
    assert!(
        e.message.contains("grab") || e.message.contains("unknown variant"),
        "{e}"
    );
}

#[test]
fn out_of_range_index_is_an_error() {
    let mut db = ApiDb::default();
    let e = db
        .add_str(
            "bad.toml",
            "gup = [{ name = \"g\", args = 3, vmas_arg = 5 }]",
        )
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "bad.toml: gup 'g' (3 args): vmas_arg = 5 is out of range"
    );
}

#[test]
fn builtin_migrations_are_complete() {
    let db = ApiDb::builtin().unwrap();
    let remote = db.gup("get_user_pages_remote", 7).unwrap();
    let m = remote.migration.as_ref().unwrap();
    assert_eq!(m.single_page.as_deref(), Some("get_user_page_vma_remote"));
    assert_eq!((remote.start_arg, remote.pages_arg), (Some(1), Some(4)));
    let pin = db
        .gup("pin_user_pages", 5)
        .unwrap()
        .migration
        .clone()
        .unwrap();
    assert_eq!(pin.release_page.as_deref(), Some("unpin_user_page"));
    // Every 6.1 signature with `vmas` has its 6.5 successor (one argument fewer) when
    // the successor is public API.
    for (name, args) in [("get_user_pages", 5), ("get_user_pages_remote", 7)] {
        assert!(db.gup(name, args - 1).unwrap().vmas_arg.is_none());
    }
    assert!(db
        .gup("get_user_pages_remote", 6)
        .unwrap()
        .migration
        .is_none());
}

#[test]
fn migration_errors_name_the_entry() {
    let bad = [
        (
            "gup = [{ name = \"g\", args = 3, migration = { since = \"6.5\" } }]",
            "gup 'g' (3 args): migration needs vmas_arg",
        ),
        (
            "gup = [{ name = \"g\", args = 3, vmas_arg = 2, migration = { since = \"6.5\", lookup = \"vma_lookup\" } }]",
            "lookup and release_page go together",
        ),
        (
            "gup = [{ name = \"g\", args = 3, vmas_arg = 2, migration = { since = \"6.5\", single_page = \"h\" } }]",
            "a one-page rewrite needs start_arg",
        ),
        (
            "gup = [{ name = \"g\", args = 4, start_arg = 0, nr_arg = 1, flags_arg = 1, pages_arg = 2, vmas_arg = 3, migration = { since = \"6.5\", single_page = \"h\" } }]",
            "single_page needs mm_arg",
        ),
        (
            "gup = [{ name = \"g\", args = 3, vmas_arg = 2, migration = { since = \"6.5\", single_page = \"h\", lookup = \"l\", release_page = \"r\" } }]",
            "not both",
        ),
        (
            "gup = [{ name = \"g\", args = 3, vmas_arg = 2, migration = { since = \"6.5\", colour = 1 } }]",
            "colour",
        ),
    ];
    for (text, want) in bad {
        let mut db = ApiDb::default();
        let e = db.add_str("bad.toml", text).unwrap_err();
        assert!(e.to_string().contains(want), "{text}: {e}");
    }
}

#[test]
fn source_needs_exactly_one_mm_link() {
    let mut db = ApiDb::default();
    let e = db
        .add_str("bad.toml", "vma_source = [{ name = \"f\" }]")
        .unwrap_err();
    assert!(e.message.contains("exactly one"), "{e}");
}

#[test]
fn succeeds_when_on_assert_is_an_error() {
    let mut db = ApiDb::default();
    let e = db
        .add_str(
            "bad.toml",
            "lock = [{ name = \"x\", action = \"assert\", mode = \"read\", lock_arg = 0, lock_kind = \"mm\", succeeds_when = \"zero\" }]",
        )
        .unwrap_err();
    assert!(e.message.contains("succeeds_when"), "{e}");
}

fn ty(spelling: &str, ptr_depth: u8, record: Option<&str>, is_scalar: bool) -> Ty {
    Ty {
        spelling: spelling.into(),
        ptr_depth,
        record: record.map(String::from),
        is_scalar,
    }
}

/// `__gup_longterm_locked`'s 6.1 and 6.12 declarations (6.1 mm/gup.c:2131, 6.12
/// mm/gup.c:2560): same arity, argument 4 `vmas` or `locked`.
fn longterm_decl(v612: bool) -> Vec<Ty> {
    let scalar = || ty("unsigned long", 0, None, true);
    vec![
        ty("struct mm_struct *", 1, Some("mm_struct"), false),
        scalar(),
        scalar(),
        ty("struct page **", 2, Some("page"), false),
        if v612 {
            ty("int *", 1, None, false)
        } else {
            ty("struct vm_area_struct **", 2, Some("vm_area_struct"), false)
        },
        ty("unsigned int", 0, None, true),
    ]
}

#[test]
fn version_picks_the_entry() {
    let mut db = ApiDb::builtin().unwrap();
    let g = |db: &ApiDb| db.gup("__gup_longterm_locked", 6).cloned().unwrap();
    db.set_kernel_version(Some("6.12.118".parse().unwrap()));
    assert_eq!((g(&db).vmas_arg, g(&db).locked_arg), (None, Some(4)));
    db.set_kernel_version(Some("6.1.192".parse().unwrap()));
    assert_eq!((g(&db).vmas_arg, g(&db).locked_arg), (Some(4), None));
    // Entries of other kernels are gone, and so are their names.
    assert!(db.gup("__get_user_pages", 6).is_none());
    assert!(!db.knows("do_vmi_munmap"));
    db.set_kernel_version(Some("6.12".parse().unwrap()));
    assert!(db.knows("do_vmi_munmap") && db.lock_fn("mmap_write_trylock").is_none());
    assert!(db
        .interesting_words()
        .iter()
        .all(|w| w != "mmap_write_trylock"));
}

#[test]
fn declaration_picks_the_entry_when_the_version_is_unknown() {
    let db = ApiDb::builtin().unwrap();
    let at = |d: Option<&[Ty]>| db.gup_at("__gup_longterm_locked", 6, d).cloned();
    let d612 = longterm_decl(true);
    let d61 = longterm_decl(false);
    assert_eq!(at(Some(&d612)).unwrap().locked_arg, Some(4));
    assert_eq!(at(Some(&d61)).unwrap().vmas_arg, Some(4));
    // Neither: the one that reports less (no `vmas`).
    assert_eq!(at(None).unwrap().vmas_arg, None);
    // A declaration no entry fits is another function of that name.
    let mut other = d612.clone();
    other[0] = ty("int", 0, None, true);
    assert!(at(Some(&other)).is_none());
    // A type the frontend could not describe fits anything.
    let mut unknown = d61.clone();
    unknown[4] = Ty::unknown();
    assert!(at(Some(&unknown)).is_some());
}

#[test]
fn a_later_layer_replaces_overlapping_entries_only() {
    let mut db = ApiDb::builtin().unwrap();
    db.layer += 1;
    db.add_str(
        "mine.toml",
        "gup = [{ name = \"__gup_longterm_locked\", args = 6, mm_arg = 0, locked_arg = 4, since = \"6.8\" }]",
    )
    .unwrap();
    // The built-in 6.5+ entry overlapped and is replaced; the 6.1 one (until 6.5) stays.
    let list = &db.gup[&("__gup_longterm_locked".to_string(), 6)];
    assert_eq!(list.len(), 2);
    db.set_kernel_version(Some("6.6".parse().unwrap()));
    assert!(db.gup("__gup_longterm_locked", 6).is_none());
    db.set_kernel_version(Some("6.4".parse().unwrap()));
    assert_eq!(
        db.gup("__gup_longterm_locked", 6).unwrap().vmas_arg,
        Some(4)
    );
}

#[test]
fn plain_lists_take_ranged_names() {
    let mut db = ApiDb::builtin().unwrap();
    db.add_str(
        "x.toml",
        "noreturn = [\"plain_exit\", { name = \"old_exit\", until = \"6.2\" }]",
    )
    .unwrap();
    assert!(db.is_noreturn("old_exit") && db.is_noreturn("plain_exit"));
    db.set_kernel_version(Some("6.12".parse().unwrap()));
    assert!(!db.is_noreturn("old_exit") && db.is_noreturn("plain_exit"));
}

#[test]
fn bad_ranges_and_keys_are_errors() {
    for (text, want) in [
        (
            "pin = [{ name = \"p\", arg = 0, since = \"6.5\", until = \"6.1\" }]",
            "pin 'p': since = \"6.5\" is not before until = \"6.1\"",
        ),
        (
            "pin = [{ name = \"p\", arg = 0, since = \"six\" }]",
            "'six' is not a kernel version",
        ),
        (
            "lock = [{ name = \"x\", action = \"acquire\", mode = \"read\", lock_arg = 0, lock_kind = \"mm\", failure_asserts = \"write\" }]",
            "failure_asserts is for trylocks",
        ),
        (
            "gup = [{ name = \"g\", args = 2, takes_lock_when_unlocked = true }]",
            "takes_lock_when_unlocked needs locked_arg",
        ),
        (
            "gup = [{ name = \"g\", args = 2, lockless = true, takes_lock = true }]",
            "lockless excludes takes_lock",
        ),
    ] {
        let mut db = ApiDb::default();
        let e = db.add_str("bad.toml", text).unwrap_err();
        assert!(e.to_string().contains(want), "{text}: {e}");
    }
}

#[test]
fn describe_lists_what_applies() {
    let mut db = ApiDb::builtin().unwrap();
    db.set_kernel_version(Some("6.12".parse().unwrap()));
    let lines = db.describe();
    assert!(lines
        .iter()
        .any(|l| l.contains("do_vmi_munmap") && l.contains("6.5+")));
    assert!(!lines.iter().any(|l| l.contains("mmap_write_trylock")));
    assert!(lines
        .iter()
        .any(|l| l.starts_with("exclusive_mm") && l.contains("exit_mmap")));
}

#[test]
fn needs_write_is_version_keyed() {
    let mut db = ApiDb::builtin().unwrap();
    let vma = ty("struct vm_area_struct *", 1, Some("vm_area_struct"), false);
    let mm = ty("struct mm_struct *", 1, Some("mm_struct"), false);
    let addr = ty("unsigned long", 0, None, true);
    db.set_kernel_version(Some("6.12".parse().unwrap()));
    assert_eq!(
        db.needs_write_at("vm_flags_set", Some(&[vma.clone(), addr.clone()]))
            .unwrap()
            .vma_arg,
        Some(0)
    );
    assert_eq!(
        db.needs_write_at("find_extend_vma_locked", Some(&[mm, addr.clone()]))
            .unwrap()
            .mm_arg,
        Some(0)
    );
    assert!(db.knows("vm_flags_set"));
    // 6.1.0: no vm_flags_* helpers, no locked stack expansion yet.
    db.set_kernel_version(Some("6.1".parse().unwrap()));
    assert!(db.needs_write_at("vm_flags_set", None).is_none());
    assert!(db.needs_write_at("expand_stack_locked", None).is_none());
    assert!(!db.knows("vm_flags_set"));
    // The 6.1.37 stable backport has them.
    db.set_kernel_version(Some("6.1.37".parse().unwrap()));
    assert!(db.needs_write_at("expand_stack_locked", None).is_some());
    assert!(db.needs_write_at("vm_flags_set", None).is_none());
    // 6.1.0's expand_stack(vma, addr) is not expand_stack_locked; a declaration with an
    // mm where the VMA should be is another function.
    db.set_kernel_version(None);
    let mm2 = ty("struct mm_struct *", 1, Some("mm_struct"), false);
    assert!(db
        .needs_write_at("expand_stack_locked", Some(&[mm2, addr]))
        .is_none());
}

#[test]
fn entry_points_are_version_keyed() {
    let mut db = ApiDb::builtin().unwrap();
    assert_eq!(
        db.entry_for_field("file_operations", "mmap")
            .map(|e| e.holds),
        Some(Holds::Write)
    );
    db.layer += 1;
    db.add_str(
        "mine.toml",
        "entry_point = [{ record = \"file_operations\", field = \"ioctl\", holds = \"none\", until = \"2.6.36\" }]",
    )
    .unwrap();
    assert_eq!(
        db.entry_for_field("file_operations", "ioctl")
            .map(|e| e.holds),
        Some(Holds::None)
    );
    db.set_kernel_version(Some("6.12".parse().unwrap()));
    assert!(db.entry_for_field("file_operations", "ioctl").is_none());
    assert_eq!(
        db.entry_for_name("__do_sys_mremap"),
        Some(("__do_sys_", Holds::None))
    );
    assert!(db
        .describe()
        .iter()
        .any(|l| l.starts_with("entry_point") && l.contains("file_operations.mmap")));
}

#[test]
fn fault_handlers_hold_a_read_lock_of_their_vma_since_6_4() {
    let mut db = ApiDb::builtin().unwrap();
    db.set_kernel_version(Some("6.12".parse().unwrap()));
    for field in ["fault", "huge_fault", "page_mkwrite", "pfn_mkwrite"] {
        let e = db.entry_for_field("vm_operations_struct", field).unwrap();
        assert_eq!(e.holds, Holds::ReadOrVmaRead, "{field}");
        assert_eq!(e.vma(), Some((0, "vma")), "{field}");
    }
    assert!(db.entry_for_field("vm_operations_struct", "open").is_none());
    db.set_kernel_version(Some("6.1".parse().unwrap()));
    assert!(db
        .entry_for_field("vm_operations_struct", "fault")
        .is_none());
}

#[test]
fn threads_work_items_and_module_init_hold_nothing() {
    for v in [None, Some("6.1.192"), Some("6.12.118")] {
        let mut db = ApiDb::builtin().unwrap();
        db.set_kernel_version(v.map(|v| v.parse().unwrap()));
        assert_eq!(
            db.entry_for_arg("kthread_create_on_node", false, 0),
            Some(Holds::None)
        );
        assert_eq!(db.entry_for_arg("kthread_create_on_node", false, 1), None);
        // A macro row is not a call row, and the other way round.
        assert_eq!(db.entry_for_arg("module_init", true, 0), Some(Holds::None));
        assert_eq!(db.entry_for_arg("module_init", false, 0), None);
        assert_eq!(db.entry_for_arg("kthread_create_on_node", true, 0), None);
        assert_eq!(
            db.entry_for_field("work_struct", "func").map(|e| e.holds),
            Some(Holds::None)
        );
    }
    let db = ApiDb::builtin().unwrap();
    assert!(db
        .describe()
        .iter()
        .any(|l| l.starts_with("entry_point") && l.contains("module_init() argument 0")));
}

#[test]
fn needs_write_and_entry_point_errors() {
    for (text, want) in [
        (
            "needs_write = [{ name = \"w\" }]",
            "needs_write 'w': give exactly one of vma_arg and mm_arg",
        ),
        (
            "needs_write = [{ name = \"w\", vma_arg = 0, mm_arg = 1 }]",
            "needs_write 'w': give exactly one of vma_arg and mm_arg",
        ),
        (
            "entry_point = [{ record = \"r\", holds = \"none\" }]",
            "give record and field, name_prefix, call and fn_arg, or macro and fn_arg",
        ),
        (
            "entry_point = [{ call = \"kthread_create_on_node\", holds = \"none\" }]",
            "call and fn_arg",
        ),
        (
            "entry_point = [{ name_prefix = \"__do_sys_\", fn_arg = 0, holds = \"none\" }]",
            "call and fn_arg",
        ),
        (
            "entry_point = [{ call = \"c\", macro = \"m\", fn_arg = 0, holds = \"none\" }]",
            "call and fn_arg",
        ),
        (
            "entry_point = [{ name_prefix = \"__do_sys_\", holds = \"none\", since = \"6.5\", until = \"6.1\" }]",
            "is not before",
        ),
        (
            "entry_point = [{ record = \"r\", field = \"f\", holds = \"read-or-vma-read\" }]",
            "goes with vma_arg and vma_field",
        ),
        (
            "entry_point = [{ record = \"r\", field = \"f\", holds = \"read\", vma_arg = 0, vma_field = \"vma\" }]",
            "goes with vma_arg and vma_field",
        ),
    ] {
        let mut db = ApiDb::default();
        let e = db.add_str("bad.toml", text).unwrap_err();
        assert!(e.to_string().contains(want), "{text}: {e}");
    }
}

#[test]
fn per_vma_locks_are_6_4_and_later() {
    let mut db = ApiDb::builtin().unwrap();
    let releases = |db: &ApiDb| {
        db.fault_handler("handle_mm_fault")
            .unwrap()
            .releases_vma_lock
    };
    // Unknown kernel: the newest handle_mm_fault contract.
    assert!(releases(&db) && db.knows("lock_vma_under_rcu"));
    db.set_kernel_version(Some("6.1.192".parse().unwrap()));
    for name in [
        "lock_vma_under_rcu",
        "vma_start_read",
        "vma_end_read",
        "release_fault_lock",
        "vma_end_write_all",
        "vma_start_write",
    ] {
        assert!(!db.knows(name), "{name} is not 6.1 API");
    }
    assert!(!releases(&db));
    db.set_kernel_version(Some("6.5".parse().unwrap()));
    assert!(db.knows("vma_end_read") && !releases(&db));
    db.set_kernel_version(Some("6.12".parse().unwrap()));
    assert!(releases(&db));
    assert!(db.needs_write_at("vma_start_write", None).is_some());
}
