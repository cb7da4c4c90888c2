//! Random C functions over the lock/VMA API, as a tree ([`crate::ast`]) and as text.
//!
//! What is generated (the restriction the oracle's comparison relies on): one or two lock
//! names (`mm`, and `current->mm`, the same lock when `mm = current->mm`); unconditional,
//! killable and trylock acquires, releases, downgrades; `find_vma()` / `vma_lookup()` into
//! two VMA locals, and their uses; `get_user_pages_remote()` with and without `vmas` and
//! `locked`, `get_user_pages()` with and without `vmas`, `get_user_pages_fast()`; if/else
//! on three int parameters (tested repeatedly, so paths correlate), on the VMA locals, on
//! `ret` and `locked`; one switch on `sel`; forward gotos to an epilogue of labels; early
//! returns of constants or `ret`; optionally `for` loops with an unknown bound. No calls
//! between generated functions, no pointer returns, no summaries.

use crate::ast::*;
use crate::rng::Rng;

#[derive(Clone, Copy, Debug)]
pub struct GenConfig {
    /// Emit `for` loops (bounded in the interpreter, unbounded for the engine).
    pub loops: bool,
    /// Longer blocks: more functions over the engine's disjunction cap.
    pub large: bool,
}

struct Gen<'a> {
    rng: &'a mut Rng,
    cfg: GenConfig,
    labels: usize,
    used_switch: bool,
    in_loop: bool,
}

const RET_CONSTS: [i64; 5] = [0, 1, -14, -4, -12];

impl Gen<'_> {
    fn mode(&mut self) -> Mode {
        if self.rng.chance(7, 10) {
            Mode::Read
        } else {
            Mode::Write
        }
    }

    fn mm(&mut self) -> MmRef {
        if self.rng.chance(1, 6) {
            MmRef::Current
        } else {
            MmRef::Mm
        }
    }

    fn vma(&mut self) -> usize {
        self.rng.below(VMAS as u64) as usize
    }

    fn flag(&mut self) -> usize {
        self.rng.below(FLAGS as u64) as usize
    }

    fn ret_const(&mut self) -> i64 {
        RET_CONSTS[self.rng.below(RET_CONSTS.len() as u64) as usize]
    }

    fn flag_cond(&mut self) -> Cond {
        match self.rng.below(8) {
            0 => {
                let (a, b) = (self.flag(), self.flag());
                Cond::FlagAnd(a, b)
            }
            1 => {
                let (a, b) = (self.flag(), self.flag());
                Cond::FlagOr(a, b)
            }
            _ => Cond::Flag {
                i: self.flag(),
                neg: self.rng.chance(1, 3),
            },
        }
    }

    /// A statement that neither branches nor leaves the block.
    fn simple(&mut self) -> Kind {
        let w = [12, 12, 1, 10, 12, 5, 2, 3, 4, 3, 3, 3, 1, 2];
        match self.rng.weighted(&w) {
            0 => Kind::Lock {
                mode: self.mode(),
                mm: self.mm(),
            },
            1 => Kind::Unlock {
                mode: self.mode(),
                mm: self.mm(),
            },
            2 => Kind::Downgrade { mm: self.mm() },
            3 => Kind::Lookup {
                v: self.vma(),
                mm: self.mm(),
                func: if self.rng.chance(1, 2) {
                    LookupFn::FindVma
                } else {
                    LookupFn::VmaLookup
                },
            },
            4 => Kind::Use { v: self.vma() },
            5 => Kind::GupRemote {
                mm: self.mm(),
                vmas: self.rng.chance(1, 2).then(|| self.vma()),
                locked: self.rng.chance(1, 2),
            },
            6 => Kind::GupCurrent {
                vmas: self.rng.chance(1, 2).then(|| self.vma()),
            },
            7 => Kind::GupFast,
            8 => Kind::SetRet(self.ret_const()),
            9 => Kind::Copy {
                dst: self.vma(),
                src: self.vma(),
            },
            10 => Kind::Derive { v: self.vma() },
            11 => Kind::UseFile,
            12 => Kind::PinFile,
            _ => Kind::SetRetCond {
                i: self.flag(),
                a: self.ret_const(),
                b: self.ret_const(),
            },
        }
    }

    /// A statement that leaves the block.
    fn exit(&mut self) -> Kind {
        if self.labels > 0 && !self.in_loop && self.rng.chance(1, 2) {
            return Kind::Goto(self.rng.below(self.labels as u64) as usize);
        }
        if self.in_loop {
            // Loops are left only by their condition.
            return self.simple();
        }
        if self.rng.chance(2, 5) {
            Kind::Return(RetVal::Var)
        } else {
            Kind::Return(RetVal::Const(self.ret_const()))
        }
    }

    fn block(&mut self, depth: u32, len: u64, exit_chance: (u64, u64)) -> Vec<Stmt> {
        let len = if self.cfg.large { len + 2 } else { len };
        let n = 1 + self.rng.below(len);
        let mut out = Vec::new();
        for _ in 0..n {
            out.extend(self.stmt(depth));
        }
        if self.rng.chance(exit_chance.0, exit_chance.1) {
            out.push(Stmt::new(self.exit()));
        }
        out
    }

    fn stmt(&mut self, depth: u32) -> Vec<Stmt> {
        let nested = depth < 3;
        let w = [
            60,                                                 // simple
            if nested { 14 } else { 0 },                        // if on flags
            if nested { 6 } else { 0 },                         // killable
            if nested { 3 } else { 0 },                         // stored killable
            if nested { 3 } else { 0 },                         // trylock
            if nested { 5 } else { 0 },                         // if on a VMA
            if nested { 3 } else { 0 },                         // if on ret / locked
            if depth < 2 && !self.used_switch { 3 } else { 0 }, // switch
            if nested && self.cfg.loops && !self.in_loop {
                4
            } else {
                0
            }, // loop
        ];
        let kind = match self.rng.weighted(&w) {
            0 => self.simple(),
            1 => {
                let cond = self.flag_cond();
                self.if_stmt(cond, depth)
            }
            2 => {
                let (mode, mm) = (self.mode(), self.mm());
                let cond = if self.rng.chance(1, 5) {
                    Cond::FlagAndKillable {
                        i: self.flag(),
                        mode,
                        mm,
                    }
                } else {
                    Cond::Killable { mode, mm }
                };
                self.if_stmt(cond, depth)
            }
            3 => {
                let (mode, mm) = (self.mode(), self.mm());
                let mut v = vec![Stmt::new(Kind::StoreKillable { mode, mm })];
                if self.rng.chance(7, 10) {
                    let t = if self.rng.chance(1, 2) {
                        RetTest::NonZero
                    } else {
                        RetTest::Neg
                    };
                    v.push(Stmt::new(self.if_stmt(Cond::Ret(t), depth)));
                }
                return v;
            }
            4 => {
                let cond = Cond::Trylock {
                    mode: self.mode(),
                    mm: self.mm(),
                    neg: self.rng.chance(1, 2),
                };
                self.if_stmt(cond, depth)
            }
            5 => {
                let v = self.vma();
                let cond = match self.rng.below(4) {
                    0 => Cond::VmaNullOrUse { v },
                    1 => Cond::VmaFlag { v },
                    _ => Cond::Vma {
                        v,
                        neg: self.rng.chance(1, 2),
                    },
                };
                self.if_stmt(cond, depth)
            }
            6 => {
                let cond = if self.rng.chance(1, 2) {
                    Cond::Locked {
                        neg: self.rng.chance(1, 2),
                    }
                } else {
                    Cond::Ret(match self.rng.below(3) {
                        0 => RetTest::NonZero,
                        1 => RetTest::Zero,
                        _ => RetTest::Neg,
                    })
                };
                self.if_stmt(cond, depth)
            }
            7 => {
                self.used_switch = true;
                let n = 1 + self.rng.below(3);
                let mut cases: Vec<Case> = (0..n)
                    .map(|i| Case {
                        value: Some(i as i64),
                        body: Vec::new(),
                        brk: true,
                    })
                    .collect();
                if self.rng.chance(2, 3) {
                    cases.push(Case {
                        value: None,
                        body: Vec::new(),
                        brk: true,
                    });
                }
                for c in &mut cases {
                    c.body = self.block(depth + 1, 2, (1, 4));
                    c.brk = self.rng.chance(4, 5);
                }
                Kind::Switch { cases }
            }
            _ => {
                self.in_loop = true;
                let body = self.block(depth + 1, 3, (0, 1));
                self.in_loop = false;
                Kind::Loop { body }
            }
        };
        vec![Stmt::new(kind)]
    }

    fn if_stmt(&mut self, cond: Cond, depth: u32) -> Kind {
        // The failure branch of an acquire usually leaves.
        let exits = matches!(
            cond,
            Cond::Killable { .. } | Cond::FlagAndKillable { .. } | Cond::Ret(_)
        );
        let then = self.block(depth + 1, 3, if exits { (3, 4) } else { (1, 4) });
        let els = self
            .rng
            .chance(1, 3)
            .then(|| self.block(depth + 1, 2, (1, 5)));
        Kind::If { cond, then, els }
    }

    /// An epilogue statement: no exits (it runs on the way out).
    fn epilogue_stmt(&mut self) -> Stmt {
        let kind = match self.rng.below(6) {
            0..=2 => Kind::Unlock {
                mode: self.mode(),
                mm: self.mm(),
            },
            3 => Kind::Use { v: self.vma() },
            4 if self.rng.chance(1, 2) => Kind::UseFile,
            4 => Kind::SetRet(self.ret_const()),
            _ => {
                let cond = self.flag_cond();
                let then = vec![Stmt::new(Kind::Unlock {
                    mode: self.mode(),
                    mm: self.mm(),
                })];
                Kind::If {
                    cond,
                    then,
                    els: None,
                }
            }
        };
        Stmt::new(kind)
    }
}

/// One random function named `name`.
pub fn gen_func(rng: &mut Rng, cfg: GenConfig, name: String) -> Func {
    let mm_is_current = rng.chance(1, 3);
    let nlabels = rng.weighted(&[3, 3, 2, 1]);
    let mut g = Gen {
        rng,
        cfg,
        labels: nlabels,
        used_switch: false,
        in_loop: false,
    };
    let body = g.block(0, 7, (1, 3));
    let labels = (0..nlabels)
        .map(|i| Label {
            name: ["out", "out_unlock", "out_put"][i].to_string(),
            body: (0..g.rng.below(3)).map(|_| g.epilogue_stmt()).collect(),
        })
        .collect();
    Func {
        name,
        mm_is_current,
        body,
        labels,
        ret_line: 0,
        first_line: 0,
        last_line: 0,
    }
}
