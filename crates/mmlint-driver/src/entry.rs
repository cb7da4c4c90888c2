//! Which of a unit's functions have a known entry state: the rules data's `entry_point`
//! rows matched against the unit's designated initializers and function names.

use std::collections::HashMap;

use mmlint_domains::EntryState;
use mmlint_ir::TranslationUnit;
use mmlint_rules::ApiDb;

/// Entry states by function name. A function stored in two fields whose rows disagree
/// (an `.mmap` that is also a `.read`) gets none: its entry state is not one thing.
pub fn entry_states(tu: &TranslationUnit, db: &ApiDb) -> HashMap<String, EntryState> {
    let mut out: HashMap<String, Option<EntryState>> = HashMap::new();
    if !db.has_entry_points() {
        return HashMap::new();
    }
    let mut add = |name: &str, e: EntryState| {
        out.entry(name.to_string())
            .and_modify(|old| {
                if old.as_ref().is_some_and(|o| o.holds != e.holds) {
                    *old = None;
                }
            })
            .or_insert(Some(e));
    };
    for i in &tu.field_inits {
        if let Some(row) = db.entry_for_field(&i.record, &i.field) {
            add(
                &i.function,
                EntryState {
                    holds: row.holds,
                    vma: row.vma().map(|(i, f)| (i, f.to_string())),
                    at: i.span.clone(),
                    why: if i.assigned {
                        format!(
                            "{} is stored in {}.{} by {}()",
                            i.function, i.record, i.field, i.var
                        )
                    } else {
                        format!("{} is {}.{} of '{}'", i.function, i.record, i.field, i.var)
                    },
                },
            );
        }
    }
    for a in &tu.fn_args {
        if let Some(holds) = db.entry_for_arg(&a.callee, a.macro_use, a.index) {
            add(
                &a.function,
                EntryState {
                    holds,
                    vma: None,
                    at: a.span.clone(),
                    why: format!("{} is passed to {}()", a.function, a.callee),
                },
            );
        }
    }
    for f in &tu.functions {
        if let Some((prefix, holds)) = db.entry_for_name(&f.name) {
            add(
                &f.name,
                EntryState {
                    holds,
                    vma: None,
                    at: f.span.clone(),
                    why: format!(
                        "{} is a body named {prefix}* by the kernel's macros",
                        f.name
                    ),
                },
            );
        }
    }
    out.into_iter().filter_map(|(n, e)| Some((n, e?))).collect()
}
