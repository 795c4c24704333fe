//! Rewrites a GGUF chat model in another quantisation, for the CPU kernels candle has: candle 0.10.2
//! has AVX2 dot products for Q4_0, Q8_0 and the K-quants but none for Q4_1, the bundled model's type
//! (issue #19). Each quantised matrix is dequantised to f32 and quantised again; tensors of other
//! types (norms in F32) are copied as they are, and so is the metadata, with the file type updated.
//! Q8_0 keeps Q4_1's values almost exactly (one scale per 32 values, 8 bits each, against Q4_1's 4).

use std::path::Path;

use candle_core::quantized::{gguf_file, GgmlDType, QTensor};
use candle_core::Device;

use crate::ModelError;

/// A quantisation a GGUF can be rewritten in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantisation {
    /// 8 bits per weight and one scale per 32.
    Q8_0,
    /// 4 bits per weight and one scale per 32.
    Q4_0,
}

impl Quantisation {
    fn dtype(self) -> GgmlDType {
        match self {
            Quantisation::Q8_0 => GgmlDType::Q8_0,
            Quantisation::Q4_0 => GgmlDType::Q4_0,
        }
    }

    /// llama.cpp's `general.file_type` for a file mostly of this type.
    fn file_type(self) -> u32 {
        match self {
            Quantisation::Q8_0 => 7,
            Quantisation::Q4_0 => 2,
        }
    }

    /// The name used in file names (`Q8_0`).
    pub fn name(self) -> &'static str {
        match self {
            Quantisation::Q8_0 => "Q8_0",
            Quantisation::Q4_0 => "Q4_0",
        }
    }
}

/// What a rewrite changed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Requantised {
    /// Tensors quantised anew.
    pub tensors: usize,
    /// The largest error of a rewritten tensor against the original's values: the root mean square of
    /// the differences over that of the values.
    pub worst_relative_rms: f32,
}

/// Writes `src` quantised as `to` into `dst` (through `dst.part`, renamed once complete and synced).
pub fn requantize(src: &Path, dst: &Path, to: Quantisation) -> Result<Requantised, ModelError> {
    let fail = |e: &dyn std::fmt::Display| ModelError::Load(format!("requantising {}: {e}", src.display()));
    let mut input = std::fs::File::open(src).map_err(|e| fail(&e))?;
    let content = gguf_file::Content::read(&mut input).map_err(|e| fail(&e))?;
    let device = Device::Cpu;
    let mut names: Vec<&String> = content.tensor_infos.keys().collect();
    names.sort();
    let mut tensors: Vec<(String, QTensor)> = Vec::with_capacity(names.len());
    let mut changed = 0;
    let mut worst = 0f32;
    for name in names {
        let tensor = content.tensor(&mut input, name, &device).map_err(|e| fail(&e))?;
        let quantised = !matches!(tensor.dtype(), GgmlDType::F32 | GgmlDType::F16 | GgmlDType::BF16);
        let row = tensor.shape().dims().last().copied().unwrap_or(0);
        let tensor = if quantised && tensor.dtype() != to.dtype() && row % to.dtype().block_size() == 0 {
            changed += 1;
            let values = tensor.dequantize(&device).map_err(|e| fail(&e))?;
            let rewritten = QTensor::quantize(&values, to.dtype()).map_err(|e| fail(&e))?;
            let again = rewritten.dequantize(&device).map_err(|e| fail(&e))?;
            worst = worst.max(relative_rms(&values, &again).map_err(|e| fail(&e))?);
            rewritten
        } else {
            tensor
        };
        tensors.push((name.clone(), tensor));
    }
    let file_type = gguf_file::Value::U32(to.file_type());
    let mut metadata: Vec<(&str, &gguf_file::Value)> = content
        .metadata
        .iter()
        // The writer aligns tensors to 32 bytes, its default: another alignment would be wrong.
        .filter(|(k, _)| k.as_str() != "general.file_type" && k.as_str() != "general.alignment")
        .map(|(k, v)| (k.as_str(), v))
        .collect();
    metadata.push(("general.file_type", &file_type));
    metadata.sort_by_key(|(k, _)| *k);
    let part = dst.with_extension("gguf.part");
    let result = (|| -> Result<(), ModelError> {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&part).map_err(|e| fail(&e))?);
        let refs: Vec<(&str, &QTensor)> = tensors.iter().map(|(n, t)| (n.as_str(), t)).collect();
        gguf_file::write(&mut out, &metadata, &refs).map_err(|e| fail(&e))?;
        let file = out.into_inner().map_err(|e| fail(&e))?;
        file.sync_all().map_err(|e| fail(&e))?;
        std::fs::rename(&part, dst).map_err(|e| fail(&e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&part);
    }
    result.map(|()| Requantised { tensors: changed, worst_relative_rms: worst })
}

/// sqrt(sum((a - b)^2) / sum(a^2)).
fn relative_rms(a: &candle_core::Tensor, b: &candle_core::Tensor) -> candle_core::Result<f32> {
    let a = a.flatten_all()?.to_vec1::<f32>()?;
    let b = b.flatten_all()?.to_vec1::<f32>()?;
    let (mut diff, mut norm) = (0f64, 0f64);
    for (x, y) in a.iter().zip(&b) {
        diff += f64::from(x - y).powi(2);
        norm += f64::from(*x).powi(2);
    }
    Ok(if norm == 0.0 { 0.0 } else { (diff / norm).sqrt() as f32 })
}
