//! One module per rule; see the registry in the crate root.

pub mod dangling_vma;
pub mod gup_vmas_migration;
pub mod gup_vmas_unlockable;
pub mod gup_while_mmap_locked;
pub mod mmap_lock_leak;
pub mod mmap_lock_mode_mismatch;
pub mod mmap_lock_unbalanced_unlock;
pub mod vma_lock_leak;
pub mod vma_lock_unbalanced_unlock;
pub mod vma_modified_without_write_lock;
pub mod vma_without_mmap_lock;
