//! clang types to IR types: pointer depth, record name, scalar-ness.

use clang_sys::*;
use mmlint_ir::Ty;

use super::Ctx;
use crate::cx;

impl Ctx {
    pub(super) fn ty(&mut self, t: CXType) -> Ty {
        let c = cx::canonical(t);
        if c.kind == CXType_Invalid {
            return Ty::unknown();
        }
        let key = (c.kind, c.data[0] as usize);
        if let Some(ty) = self.types.get(&key) {
            return ty.clone();
        }
        let ty = compute_ty(c);
        self.types.insert(key, ty.clone());
        ty
    }
}

fn compute_ty(c: CXType) -> Ty {
    let spelling = cx::type_spelling(c);
    let mut base = c;
    let mut depth: u8 = 0;
    loop {
        let next = match base.kind {
            CXType_Pointer | CXType_BlockPointer => cx::pointee(base),
            CXType_ConstantArray
            | CXType_IncompleteArray
            | CXType_VariableArray
            | CXType_DependentSizedArray => cx::element_type(base),
            _ => break,
        };
        if next.kind == CXType_Invalid {
            break;
        }
        base = cx::canonical(next);
        depth = depth.saturating_add(1);
    }
    let record = if base.kind == CXType_Record {
        let name = cx::spelling(cx::type_decl(base));
        // Unnamed records spell as "struct (unnamed at …)" / "" depending on the version.
        (!name.is_empty() && !name.contains([' ', '('])).then_some(name)
    } else {
        None
    };
    let is_scalar = depth == 0
        && matches!(
            base.kind,
            CXType_Bool
                ..=CXType_LongDouble
                    | CXType_Half
                    | CXType_Float16
                    | CXType_Float128
                    | CXType_Ibm128
                    | CXType_Enum
        );
    Ty {
        spelling,
        ptr_depth: depth,
        record,
        is_scalar,
    }
}
