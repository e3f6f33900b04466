//! Running out of memory ends in one sentence and exit code 5, not Rust's default abort
//! (a message about a failed allocation and SIGABRT, exit 134, with a core dump where
//! enabled).
//!
//! The system allocator does the work; this only notices a refusal. Nothing here may
//! allocate: the message is built in a fixed buffer and written straight to stderr.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;

/// The exit code for "out of memory" (README, "Exit codes").
pub const EXIT_OUT_OF_MEMORY: i32 = 5;

pub struct Guarded;

// SAFETY: every call is forwarded unchanged to the system allocator; a null result,
// which it returns only on failure, never reaches the caller because the process ends.
unsafe impl GlobalAlloc for Guarded {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract for `alloc` is passed on as it is.
        let p = unsafe { System.alloc(layout) };
        if p.is_null() {
            out_of_memory(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { System.alloc_zeroed(layout) };
        if p.is_null() {
            out_of_memory(layout.size());
        }
        p
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `alloc`; `ptr` and `layout` come from this allocator.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if p.is_null() {
            out_of_memory(new_size);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` and `layout` come from this allocator.
        unsafe { System.dealloc(ptr, layout) }
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
