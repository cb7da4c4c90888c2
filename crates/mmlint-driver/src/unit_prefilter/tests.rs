use super::*;

fn ac(words: &[&str]) -> Words {
    Words::new(&words.iter().map(|w| w.to_string()).collect::<Vec<_>>())
}

#[test]
fn scans_functions_macros_and_includes() {
    let h = r#"
#include <linux/mm.h>
#include "local.h"
#define for_each_thing(v) \
	for (v = mmap_first(); v; v = mmap_next(v))
#define unrelated(x) ((x) + 1)
#define wrapper(m) helper_locks(m)
static inline int helper_locks(struct mm_struct *mm)
{
	if (mm) {
#ifdef CONFIG_X
		mm = 0;
#endif
		mmap_read_lock(mm);
	}
	return 0;
}
static inline int plain(int x) { return x; }
struct s { int a; } s_var = { 1 };
DEFINE_HELPER(gen_name, mmap_read_lock)
"#;
    let s = scan_text(h, &ac(&["mmap_read_lock", "mmap_first"]));
    assert_eq!(
        s.includes,
        vec![(false, "linux/mm.h".into()), (true, "local.h".into())]
    );
    assert_eq!(s.functions, vec!["helper_locks".to_string()]);
    let m: Vec<(&str, bool)> = s
        .macros
        .iter()
        .map(|(n, d, _, _)| (n.as_str(), *d))
        .collect();
    assert_eq!(m, vec![("for_each_thing", true), ("wrapper", false)]);
    assert!(s
        .invocations
        .iter()
        .any(|(m, d, _, a)| m == "DEFINE_HELPER" && *d && a.contains(&"gen_name".into())));
}

#[test]
fn reaching_closes_over_macros() {
    let h = "#define a_macro(x) b_macro(x)\n#define b_macro(x) api_inline(x)\n\
             static inline void api_inline(int x) { mmap_read_lock(x); }\n\
             #define c_macro 1\n";
    let s = Arc::new(scan_text(h, &ac(&["mmap_read_lock"])));
    let (r, _) = reaching_names(std::slice::from_ref(&s));
    assert!(r.contains("a_macro") && r.contains("b_macro") && r.contains("api_inline"));
    assert!(!r.contains("c_macro"));
}

#[test]
fn names_built_by_pasting_are_found_through_forwarding_macros() {
    let h = "#define DEFINE_CLASS(_name, _type) \\\n\
             static inline void class_##_name##_destructor(_type *p) { mmap_read_unlock(p); }\n\
             #define DEFINE_GUARD(_name, _type) DEFINE_CLASS(_name, _type)\n\
             DEFINE_GUARD(mm_guard, struct mm_struct *)\n";
    let s = Arc::new(scan_text(h, &ac(&["mmap_read_unlock"])));
    let (_, g) = reaching_names(std::slice::from_ref(&s));
    assert!(
        g.iter()
            .any(|g| glob_matches(g, "class_mm_guard_destructor")),
        "{g:?}"
    );
    assert!(
        !g.iter().any(|g| glob_matches(g, "class_other_destructor")),
        "{g:?}"
    );
    assert!(!g.iter().any(|g| glob_matches(g, "mm_guard")), "{g:?}");
}

#[test]
fn effect_words_in_comments_and_strings_do_not_count() {
    let w = Words::with_effects(
        &["mmap".to_string(), "vm_area_struct".to_string()],
        &["mmap".to_string()],
    );
    assert!(w.is_effect_match("f(vma) { return mm->mmap; }"));
    assert!(!w.is_effect_match("f(vma) { /* file->f_op->mmap() */ return 0; }"));
    assert!(!w.is_effect_match("f(vma) { // mmap\n return 0; }"));
    assert!(!w.is_effect_match("f(vma) { puts(\"mmap /*\"); return 0; }"));
    assert!(w.is_effect_match("f(vma) { puts(\"/*\"); return mm->mmap; }"));
    assert!(!w.is_effect_match("f(struct vm_area_struct *vma) { return 0; }"));
}
