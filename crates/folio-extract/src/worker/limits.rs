//! The system calls behind a worker's limits: `setrlimit`, `prctl` and `kill` on the process group.
//!
//! The one place in Folio with `unsafe`: each call is a plain system call on integers, with no memory
//! handed to the kernel but a local `rlimit`; std offers none of them, and the crates that wrap them
//! would rebuild half of the dependency graph with new features.
#![allow(unsafe_code)]

/// The environment variable that carries the worker's address-space limit, in bytes.
pub(super) const MEMORY_ENV: &str = "FOLIO_WORKER_MEMORY_BYTES";

/// The signal the kernel sends when the processor-time budget is spent.
pub(super) const SIGXCPU: i32 = libc::SIGXCPU;

fn set(resource: libc::__rlimit_resource_t, soft: u64, hard: u64) {
    let limit = libc::rlimit { rlim_cur: soft, rlim_max: hard };
    // SAFETY: setrlimit reads the local `limit` and nothing else; failure leaves the old limit.
    unsafe {
        libc::setrlimit(resource, &limit);
    }
}

/// Limits set once, before the worker reads anything: its address space (from [`MEMORY_ENV`]), no core
/// dumps (a crash on a user's file must not write that file's contents to disk), and death with the
/// parent (an aborted `folio` leaves no worker behind).
pub(super) fn apply_at_start() {
    if let Some(bytes) = std::env::var(MEMORY_ENV).ok().and_then(|v| v.parse::<u64>().ok()) {
        set(libc::RLIMIT_AS, bytes, bytes);
    }
    set(libc::RLIMIT_CORE, 0, 0);
    // SAFETY: prctl with PR_SET_PDEATHSIG takes a signal number, and signal() restores the default
    // action (an ignored SIGXCPU would be inherited through exec); no memory is passed.
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong, 0, 0, 0);
        libc::signal(libc::SIGXCPU, libc::SIG_DFL);
    }
}

/// Allows `secs` more seconds of processor time from now: SIGXCPU (whose default action ends the
/// worker) at the budget. The worker is reused across files, so the budget is set again before each
/// one, and only the soft limit moves: a process may lower its hard limit but, without privileges
/// (as in the worker's user namespace), never raise it again, so a hard limit set for one file would
/// stop every later file once the worker's total reached it. The parent's wall-clock deadline, which
/// kills the worker's process group, is the backstop.
pub(super) fn cpu_budget(secs: u64) {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    let mut current = libc::rlimit { rlim_cur: libc::RLIM_INFINITY, rlim_max: libc::RLIM_INFINITY };
    // SAFETY: getrusage writes one `rusage` into the local, zero-initialised buffer; getrlimit writes
    // one `rlimit` into the local `current`.
    let used = unsafe {
        libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr());
        libc::getrlimit(libc::RLIMIT_CPU, &mut current);
        let u = usage.assume_init();
        (u.ru_utime.tv_sec + u.ru_stime.tv_sec) as u64 + 1
    };
    set(libc::RLIMIT_CPU, (used + secs).min(current.rlim_max), current.rlim_max);
}

/// Sends SIGKILL to the process group led by `pid` (a worker and the tools it started).
pub(super) fn kill_group(pid: u32) {
    let Ok(pid) = libc::pid_t::try_from(pid) else { return };
    if pid > 1 {
        // SAFETY: kill takes two integers; a group that is already gone gives ESRCH, which is fine.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
}
