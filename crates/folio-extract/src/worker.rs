//! Extraction in a worker process: the main process never parses a user's file itself.
//!
//! [`Workers`] starts a program (the `folio` or `folio-app` binary itself, with the hidden argument
//! [`WORKER_ARG`]) that runs [`serve_stdio`]: it reads one request at a time from stdin (a format and
//! the file's bytes), runs [`crate::extract`] and writes the result to stdout. The worker is reused
//! across files and replaced when it dies. Before it reads anything the worker limits itself (address
//! space, no core dumps, death with its parent), and before each file it sets a processor-time budget;
//! the parent adds a wall-clock deadline, a cap on the answer's size, a small environment, no network
//! (a new network namespace where the system allows one) and a process group of its own, so that Poppler
//! and Tesseract die with it. Whatever happens in the worker becomes that file's [`ExtractError`] with a
//! reason a person understands ("stopped after 120 s"); the next file gets a fresh worker.
//!
//! The wire format is private to this module: each frame is a little-endian `u64` length and that many
//! bytes; a request is a JSON header frame and the file's bytes, an answer one JSON frame.

use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::{ExtractError, Extracted, Format, Stop};

mod limits;

/// The hidden first argument that makes Folio's binaries run as an extraction worker.
pub const WORKER_ARG: &str = "__extract-worker";

/// Limits on one file's extraction. The defaults are Folio's documented limits (ARCHITECTURE.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Address space of the worker and the tools it starts, in bytes.
    pub memory_bytes: u64,
    /// Processor time one file may use, in seconds.
    pub cpu_secs: u64,
    /// Wall-clock time one file may take.
    pub wall: Duration,
    /// Largest answer (text, sections and their encoding) the main process accepts, in bytes.
    pub max_answer_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { memory_bytes: 2 << 30, cpu_secs: 120, wall: Duration::from_secs(120), max_answer_bytes: 256 << 20 }
    }
}

/// How to start a worker: a program and its arguments (the last of which is usually [`WORKER_ARG`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerCommand {
    /// The program.
    pub program: PathBuf,
    /// Its arguments.
    pub args: Vec<OsString>,
}

impl WorkerCommand {
    /// This very program with [`WORKER_ARG`]: for binaries whose `main` calls [`serve_stdio`] on it.
    pub fn this_program() -> std::io::Result<WorkerCommand> {
        Ok(WorkerCommand { program: std::env::current_exe()?, args: vec![WORKER_ARG.into()] })
    }
}

#[derive(Serialize, Deserialize)]
struct Request {
    format: Format,
    cpu_secs: u64,
}

#[derive(Serialize, Deserialize)]
struct Answer {
    text: String,
    sections: Vec<folio_core::chunk::Section>,
    format: Format,
}

/// A pool of extraction workers (one is enough for Folio's pipeline, which extracts one file at a time
/// while the previous batch is embedded). Blocking: call it from a blocking thread.
pub struct Workers {
    command: WorkerCommand,
    limits: Limits,
    idle: Mutex<Vec<Worker>>,
    /// Starts workers on a thread that lives as long as the pool: a worker's death signal
    /// (PR_SET_PDEATHSIG) follows the *thread* that started it, and the blocking threads that ask for
    /// workers come and go.
    spawner: Mutex<Option<mpsc::Sender<(Command, mpsc::Sender<std::io::Result<Child>>)>>>,
}

struct Worker {
    child: Child,
    stdin: ChildStdin,
    answers: Receiver<std::io::Result<Vec<u8>>>,
    stderr: Arc<Mutex<Vec<u8>>>,
}

/// How much of a worker's last words (stderr) are kept to explain its death.
const STDERR_TAIL: usize = 8 << 10;

impl Workers {
    /// A pool that starts workers with `command` under `limits` when first needed.
    pub fn new(command: WorkerCommand, limits: Limits) -> Workers {
        Workers { command, limits, idle: Mutex::new(Vec::new()), spawner: Mutex::new(None) }
    }

    /// Spawns `cmd` on the pool's spawning thread (started on first use).
    fn spawn(&self, cmd: Command) -> std::io::Result<Child> {
        let mut spawner = self.spawner.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if spawner.is_none() {
            let (tx, rx) = mpsc::channel::<(Command, mpsc::Sender<std::io::Result<Child>>)>();
            std::thread::Builder::new().name("folio-worker-spawner".into()).spawn(move || {
                for (mut cmd, reply) in rx {
                    let _ = reply.send(cmd.spawn());
                }
            })?;
            *spawner = Some(tx);
        }
        let (reply, answer) = mpsc::channel();
        spawner
            .as_ref()
            .ok_or_else(|| std::io::Error::other("no spawner"))?
            .send((cmd, reply))
            .map_err(|_| std::io::Error::other("the worker spawner is gone"))?;
        answer.recv().map_err(|_| std::io::Error::other("the worker spawner is gone"))?
    }

    /// The limits each file is read under.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Extracts `bytes` of a file in `format` in a worker. Every failure, the worker's death included,
    /// is this file's error.
    pub fn extract(&self, bytes: &[u8], format: Format) -> Result<Extracted, ExtractError> {
        if bytes.is_empty() {
            return Err(ExtractError::Empty);
        }
        let idle = self.idle.lock().map(|mut v| v.pop()).unwrap_or(None);
        let mut worker = match idle {
            Some(w) => w,
            None => self.start().map_err(|e| {
                ExtractError::Stopped(Stop::NoWorker {
                    program: self.command.program.display().to_string(),
                    error: e.to_string(),
                })
            })?,
        };
        let header = serde_json::to_vec(&Request { format, cpu_secs: self.limits.cpu_secs })
            .map_err(|e| ExtractError::Stopped(Stop::Garbled { detail: e.to_string() }))?;
        let sent = write_frame(&mut worker.stdin, &header).and_then(|()| write_frame(&mut worker.stdin, bytes));
        let answer = match sent {
            Ok(()) => worker.answers.recv_timeout(self.limits.wall),
            // The worker is gone (it died on the previous file's last moments, or at start): say why.
            Err(_) => Err(RecvTimeoutError::Disconnected),
        };
        match answer {
            Ok(Ok(frame)) => {
                let decoded: Result<Result<Answer, ExtractError>, _> = serde_json::from_slice(&frame);
                match decoded {
                    Ok(result) => {
                        if let Ok(mut idle) = self.idle.lock() {
                            idle.push(worker);
                        }
                        result.map(|a| Extracted { text: a.text, sections: a.sections, format: a.format })
                    }
                    Err(e) => {
                        kill(worker);
                        Err(ExtractError::Stopped(Stop::Garbled { detail: e.to_string() }))
                    }
                }
            }
            Ok(Err(e)) => {
                let why = if e.kind() == std::io::ErrorKind::InvalidData {
                    Stop::Text { bytes: self.limits.max_answer_bytes }
                } else {
                    self.death(worker)
                };
                Err(ExtractError::Stopped(why))
            }
            Err(RecvTimeoutError::Timeout) => {
                kill(worker);
                Err(ExtractError::Stopped(Stop::Time { ms: self.limits.wall.as_millis() as u64 }))
            }
            Err(RecvTimeoutError::Disconnected) => Err(ExtractError::Stopped(self.death(worker))),
        }
    }

    /// Starts one worker.
    fn start(&self) -> std::io::Result<Worker> {
        let mut cmd = match network_isolation() {
            Some(prefix) => {
                let mut c = Command::new(&prefix[0]);
                c.args(&prefix[1..]).arg(&self.command.program);
                c
            }
            None => Command::new(&self.command.program),
        };
        cmd.args(&self.command.args)
            .env_clear()
            .envs(std::env::vars_os().filter(|(k, _)| KEPT_ENV.iter().any(|kept| k == kept)))
            .env(limits::MEMORY_ENV, self.limits.memory_bytes.to_string())
            // Tesseract would start a thread per core; one file at a time is the worker's job.
            .env("OMP_THREAD_LIMIT", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let mut child = self.spawn(cmd)?;
        let (Some(stdin), Some(mut stdout), Some(mut err)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(std::io::Error::other("the worker's pipes were not set up"));
        };
        let (tx, answers) = mpsc::channel();
        let max = self.limits.max_answer_bytes;
        std::thread::Builder::new().name("folio-worker-out".into()).spawn(move || loop {
            let frame = read_frame(&mut stdout, max);
            let end = frame.is_err();
            if tx.send(frame).is_err() || end {
                break;
            }
        })?;
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let tail = Arc::clone(&stderr);
        std::thread::Builder::new().name("folio-worker-err".into()).spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if let Ok(mut t) = tail.lock() {
                    t.extend_from_slice(&buf[..n]);
                    let excess = t.len().saturating_sub(STDERR_TAIL);
                    t.drain(..excess);
                }
            }
        })?;
        Ok(Worker { child, stdin, answers, stderr })
    }

    /// Why a worker died, in words; it is reaped (with its process group) on the way.
    fn death(&self, mut worker: Worker) -> Stop {
        limits::kill_group(worker.child.id());
        let status = worker.child.wait().ok();
        // The stderr thread may still be draining the pipe: give it a moment.
        std::thread::sleep(Duration::from_millis(50));
        let said = worker.stderr.lock().map(|t| String::from_utf8_lossy(&t).into_owned()).unwrap_or_default();
        let signal = status.and_then(|s| std::os::unix::process::ExitStatusExt::signal(&s));
        if ["memory allocation", "bad_alloc", "Cannot allocate memory", "out of memory"]
            .iter()
            .any(|m| said.contains(m))
        {
            Stop::Memory { bytes: self.limits.memory_bytes }
        } else if said.contains("overflowed its stack") {
            Stop::Nesting
        } else if signal == Some(limits::SIGXCPU) {
            Stop::Cpu { secs: self.limits.cpu_secs }
        } else {
            Stop::Crashed { signal, exit: status.and_then(|s| s.code()) }
        }
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        if let Ok(mut idle) = self.idle.lock() {
            for w in idle.drain(..) {
                kill(w);
            }
        }
    }
}

/// Kills a worker and everything it started, and reaps it.
fn kill(mut worker: Worker) {
    limits::kill_group(worker.child.id());
    let _ = worker.child.kill();
    let _ = worker.child.wait();
}

/// Environment variables a worker keeps; everything else is cleared.
const KEPT_ENV: &[&str] =
    &["PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TESSDATA_PREFIX", "RUST_MIN_STACK"];

/// `unshare` arguments that give a worker an empty network namespace, when this system allows it
/// (checked once per process); `None` where it does not (the worker then runs with the limits alone).
fn network_isolation() -> Option<&'static Vec<String>> {
    static PREFIX: OnceLock<Option<Vec<String>>> = OnceLock::new();
    PREFIX
        .get_or_init(|| {
            let args: Vec<String> = ["unshare", "--net", "--map-current-user"].iter().map(|s| s.to_string()).collect();
            let ok = Command::new(&args[0])
                .args(&args[1..])
                .arg("true")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            ok.then_some(args)
        })
        .as_ref()
}

fn write_frame(w: &mut impl Write, payload: &[u8]) -> std::io::Result<()> {
    w.write_all(&(payload.len() as u64).to_le_bytes())?;
    w.write_all(payload)?;
    w.flush()
}

/// Reads one frame of at most `max` bytes; a longer one is `InvalidData`.
fn read_frame(r: &mut impl Read, max: u64) -> std::io::Result<Vec<u8>> {
    let mut len = [0u8; 8];
    r.read_exact(&mut len)?;
    let len = u64::from_le_bytes(len);
    if len > max {
        return Err(std::io::ErrorKind::InvalidData.into());
    }
    let mut buf = Vec::new();
    r.take(len).read_to_end(&mut buf)?;
    if buf.len() as u64 != len {
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    Ok(buf)
}

/// The worker's side: limits itself, then answers requests on stdin until it closes. Call it first
/// thing in `main` when the first argument is [`WORKER_ARG`], before any thread or runtime starts.
pub fn serve_stdio() -> std::io::Result<()> {
    limits::apply_at_start();
    let mut input = std::io::stdin().lock();
    let mut output = std::io::stdout().lock();
    loop {
        let header = match read_frame(&mut input, 1 << 20) {
            Ok(h) => h,
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e),
        };
        let request: Request = serde_json::from_slice(&header).map_err(std::io::Error::other)?;
        let bytes = match read_frame(&mut input, u64::MAX) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::OutOfMemory => {
                // Said in the words the parent looks for (as Rust's allocation failure says them).
                eprintln!("memory allocation failed while receiving the file ({e})");
                return Err(e);
            }
            Err(e) => return Err(e),
        };
        limits::cpu_budget(request.cpu_secs);
        let result = std::panic::catch_unwind(|| crate::extract(&bytes, request.format)).unwrap_or_else(|panic| {
            let msg = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Err(ExtractError::Stopped(Stop::Panicked { message: msg }))
        });
        drop(bytes);
        let answer = result.map(|e| Answer { text: e.text, sections: e.sections, format: e.format });
        let frame = serde_json::to_vec(&answer).map_err(std::io::Error::other)?;
        write_frame(&mut output, &frame)?;
    }
}
