//! Running out of memory ends in one sentence and exit code 5, not Rust's default abort
//! (a message about a failed allocation and SIGABRT, exit 134, with a core dump where
//! enabled).
//!
//! mimalloc does the work; this only notices a refusal. Nothing here may allocate: the
//! message is built in a fixed buffer and written straight to stderr.
//!
//! Why mimalloc and not the system allocator: the bank checks, the lints and the imports
//! make and free millions of small strings, on both cores. With glibc's allocator a
//! quarter of `import gift`'s time went to `malloc`, `free` and its consolidation, and a
//! text built on one core and freed on another cost more still (BENCHMARKS.md, "The
//! allocator, and the import on both cores"). mimalloc keeps a heap per thread and frees
//! across threads cheaply.

use mimalloc::MiMalloc;
use std::alloc::{GlobalAlloc, Layout};
use std::io::Write;

/// mimalloc 3's option `purge_delay` (`mi_option_purge_delay` in its `mimalloc.h`; the
/// Rust binding exports no constant for it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Sets the allocator's options; called first thing in `main`. Memory freed is given back
/// to the system after 10 ms (mimalloc 3 waits a second, which held a third more memory at
/// the peak of a big `validate`). Transparent huge pages are off at build time (the
/// `no_thp` feature): on a 2 MiB page, a few live strings keep the whole page resident.
pub fn tune() {
    // SAFETY: called once, on the main thread, before any other thread exists; the
    // option is one mimalloc defines, and any value is valid for it.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 10) };
}

/// The exit code for "out of memory" (README, "Exit codes").
pub const EXIT_OUT_OF_MEMORY: i32 = 5;

pub struct Guarded;

// SAFETY: every call is forwarded unchanged to mimalloc; a null result,
// which it returns only on failure, never reaches the caller because the process ends.
unsafe impl GlobalAlloc for Guarded {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract for `alloc` is passed on as it is.
        let p = unsafe { MiMalloc.alloc(layout) };
        if p.is_null() {
            out_of_memory(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { MiMalloc.alloc_zeroed(layout) };
        if p.is_null() {
            out_of_memory(layout.size());
        }
        p
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `alloc`; `ptr` and `layout` come from this allocator.
        let p = unsafe { MiMalloc.realloc(ptr, layout, new_size) };
        if p.is_null() {
            out_of_memory(new_size);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` and `layout` come from this allocator.
        unsafe { MiMalloc.dealloc(ptr, layout) }
    }
}

/// Says what happened and ends the process, without allocating.
fn out_of_memory(size: usize) -> ! {
    let mut buf = [0u8; 160];
    let mut w = Cursor {
        buf: &mut buf,
        len: 0,
    };
    let mib = size.div_ceil(1024 * 1024);
    let _ = writeln!(
        w,
        "skillquiz: out of memory (could not get {mib} MiB more); nothing was saved half-written"
    );
    let len = w.len;
    let _ = std::io::stderr().write_all(&buf[..len]);
    std::process::exit(EXIT_OUT_OF_MEMORY);
}

/// A `fmt::Write` into a fixed buffer; what does not fit is dropped.
struct Cursor<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl std::fmt::Write for Cursor<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let n = s.len().min(self.buf.len() - self.len);
        self.buf[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        Ok(())
    }
}

impl Cursor<'_> {
    fn write_fmt(&mut self, args: std::fmt::Arguments) -> std::fmt::Result {
        std::fmt::write(self, args)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_purge_delay_is_the_option_set() {
        // Option 15 is the purge delay: the only option whose default is a second.
        // SAFETY: reading an option has no precondition.
        let before = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            assert_eq!(before, 1000);
        }
        tune();
        // SAFETY: as above.
        let after = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        assert_eq!(after, 10);
    }
}
