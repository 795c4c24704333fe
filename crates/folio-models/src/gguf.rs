//! The check a chat model file passes before Folio saves it as the user's choice: a GGUF file (its
//! magic, a version this loader reads, at least one tensor) of a plausible size. It reads 24 bytes; the
//! model itself is parsed only when the next question loads it.

use std::io::Read;
use std::path::Path;

use crate::ModelError;

/// GGUF files start with these four bytes.
const MAGIC: &[u8; 4] = b"GGUF";
/// The smallest file taken for a chat model: below this no instruction-following model fits.
pub const MIN_MODEL_BYTES: u64 = 1 << 20;

/// Checks that `path` is a regular file holding a GGUF model (version 2 or 3, at least one tensor) of
/// at least [`MIN_MODEL_BYTES`]; the error says what it is instead.
pub fn check_gguf(path: &Path) -> Result<(), ModelError> {
    let bad = |why: String| ModelError::Load(format!("{} is not a model file Folio can use: {why}", path.display()));
    let meta = std::fs::metadata(path).map_err(|e| bad(e.to_string()))?;
    if !meta.is_file() {
        return Err(bad("not a regular file".into()));
    }
    if meta.len() < MIN_MODEL_BYTES {
        return Err(bad(format!("{} bytes is too small for a chat model", meta.len())));
    }
    let mut head = [0u8; 24];
    std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut head)).map_err(|e| bad(e.to_string()))?;
    if &head[..4] != MAGIC {
        return Err(bad("it does not start as a GGUF file does".into()));
    }
    let version = u32::from_le_bytes([head[4], head[5], head[6], head[7]]);
    if !(2..=3).contains(&version) {
        return Err(bad(format!("GGUF version {version} (versions 2 and 3 are read)")));
    }
    let tensors = u64::from_le_bytes(head[8..16].try_into().unwrap_or_default());
    if tensors == 0 {
        return Err(bad("it holds no tensors".into()));
    }
    Ok(())
}
