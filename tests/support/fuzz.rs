//! `folio-fuzz`: a mutation fuzzer for every extractor, on the stable toolchain, through the real
//! extraction worker (`folio __extract-worker`), so that whatever a mutated file does to a reader it does
//! in the worker, as it would in Folio. For each format it starts from small valid seeds, mutates bytes
//! (flips, interesting values, cuts, repeats, splices; for zip-based formats the XML parts before zipping,
//! so mutations reach the parsers instead of failing the zip checksum) for a time budget, and records
//! every input that killed or stopped the worker (a crash, a limit) in an output folder. The fuzzing
//! process itself must never fail: that is the property under test for Folio's main process.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use folio_extract::worker::{Limits, WorkerCommand, Workers};
use folio_extract::{ExtractError, Format, Stop};

use crate::hostile::zip_of;

/// A seed: plain bytes, or the parts of a zip archive (mutated before zipping).
#[derive(Clone)]
pub enum Seed {
    /// A file's bytes.
    Bytes(Vec<u8>),
    /// A zip archive's (name, bytes) parts.
    Zip(Vec<(String, Vec<u8>)>),
}

impl Seed {
    fn bytes(&self) -> Vec<u8> {
        match self {
            Seed::Bytes(b) => b.clone(),
            Seed::Zip(parts) => {
                let parts: Vec<(&str, &[u8])> = parts.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
                zip_of(&parts)
            }
        }
    }
}

fn zip(parts: &[(&str, &str)]) -> Seed {
    Seed::Zip(parts.iter().map(|(n, b)| (n.to_string(), b.as_bytes().to_vec())).collect())
}

/// Seeds per format, each a small valid file.
pub fn seeds(fixtures: &Path) -> BTreeMap<&'static str, (Format, Vec<Seed>)> {
    let w = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;
    let docx = format!(
        r#"<w:document {w}><w:body><w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Title</w:t></w:r></w:p><w:p><w:r><w:t>Body text.</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body></w:document>"#
    );
    let pres = r#"<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><p:sldIdLst><p:sldId id="256" r:id="rId2"/></p:sldIdLst></p:presentation>"#;
    let pres_rels = r#"<Relationships><Relationship Id="rId2" Target="slides/slide1.xml"/></Relationships>"#;
    let slide = r#"<p:sld xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:p><a:r><a:t>Slide text</a:t></a:r></a:p></p:sld>"#;
    let workbook = r#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
    let wb_rels = r#"<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>"#;
    let sheet = r#"<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>Sales</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>North</t></is></c><c r="B2"><v>12</v></c></row></sheetData></worksheet>"#;
    let shared = r#"<sst><si><t>Region</t></si></sst>"#;
    let office = r#"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0""#;
    let odt = format!(
        r#"<office:document-content {office}><office:body><office:text><text:h text:outline-level="1">Plan</text:h><text:p>First step.</text:p><text:list><text:list-item><text:p>Seeds</text:p></text:list-item></text:list></office:text></office:body></office:document-content>"#
    );
    let odp = format!(
        r#"<office:document-content {office}><office:body><office:presentation><draw:page><draw:frame><draw:text-box><text:p>Welcome</text:p></draw:text-box></draw:frame></draw:page></office:presentation></office:body></office:document-content>"#
    );
    let ods = format!(
        r#"<office:document-content {office}><office:body><office:spreadsheet><table:table table:name="T"><table:table-row><table:table-cell><text:p>Region</text:p></table:table-cell><table:table-cell table:number-columns-repeated="2"><text:p>x</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="3"><table:table-cell><text:p>North</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    let container = r#"<container><rootfiles><rootfile full-path="OEBPS/content.opf"/></rootfiles></container>"#;
    let opf = r#"<package><manifest><item id="c1" href="one.xhtml"/></manifest><spine><itemref idref="c1"/></spine></package>"#;
    let html = "<html><head><title>T</title></head><body><nav>menu</nav><h1>Head</h1><p>Para <b>bold</b></p><ul><li>item</li></ul><table><tr><td>a</td><td>b</td></tr></table></body></html>";
    let eml = "From: A <a@example.org>\r\nTo: B <b@example.org>\r\nSubject: Notes\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nBody text.\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>html part</p>\r\n--b--\r\n";
    let mut m: BTreeMap<&'static str, (Format, Vec<Seed>)> = BTreeMap::new();
    let b = |s: &str| Seed::Bytes(s.as_bytes().to_vec());
    m.insert(
        "text",
        (Format::PlainText, vec![b("Line one\nLine two caf\u{e9}\n"), Seed::Bytes(b"\xff\xfeh\x00i\x00".to_vec())]),
    );
    m.insert("markdown", (Format::Markdown, vec![b("# Title\n\ntext\n## Sub\n```\ncode\n```\n")]));
    m.insert("html", (Format::Html, vec![b(html)]));
    m.insert("csv", (Format::Csv, vec![b("name,age\n\"Ann, B\",31\nBob,\"4\"\"2\"\n")]));
    m.insert(
        "rtf",
        (Format::Rtf, vec![b(r"{\rtf1\ansi{\fonttbl{\f0 Times;}}\f0 {\b Bold}\par Text \u233? caf\'e9\par}")]),
    );
    m.insert("eml", (Format::Eml, vec![b(eml)]));
    m.insert(
        "mbox",
        (
            Format::Mbox,
            vec![b(&format!(
                "From a@example.org Mon Jan 1 00:00:00 2024\n{}\nFrom b@example.org Mon Jan 1 00:00:00 2024\n{}",
                eml, eml
            ))],
        ),
    );
    if let Ok(pdf) = std::fs::read(fixtures.join("hello.pdf")) {
        m.insert("pdf", (Format::Pdf, vec![Seed::Bytes(pdf)]));
    }
    m.insert("docx", (Format::Docx, vec![zip(&[("word/document.xml", &docx)])]));
    m.insert(
        "pptx",
        (
            Format::Pptx,
            vec![zip(&[
                ("ppt/presentation.xml", pres),
                ("ppt/_rels/presentation.xml.rels", pres_rels),
                ("ppt/slides/slide1.xml", slide),
            ])],
        ),
    );
    m.insert(
        "xlsx",
        (
            Format::Xlsx,
            vec![zip(&[
                ("xl/workbook.xml", workbook),
                ("xl/_rels/workbook.xml.rels", wb_rels),
                ("xl/worksheets/sheet1.xml", sheet),
                ("xl/sharedStrings.xml", shared),
            ])],
        ),
    );
    m.insert("odt", (Format::Odt, vec![zip(&[("content.xml", &odt)])]));
    m.insert("odp", (Format::Odp, vec![zip(&[("content.xml", &odp)])]));
    m.insert("ods", (Format::Ods, vec![zip(&[("content.xml", &ods)])]));
    m.insert(
        "epub",
        (
            Format::Epub,
            vec![zip(&[("META-INF/container.xml", container), ("OEBPS/content.opf", opf), ("OEBPS/one.xhtml", html)])],
        ),
    );
    if let Ok(xls) = std::fs::read(fixtures.join("budget.xls")) {
        m.insert("xls", (Format::Xls, vec![Seed::Bytes(xls)]));
    }
    m
}

/// Reproducible random numbers: std's SipHash (fixed keys) of the seed and a counter.
struct Rng {
    seed: u64,
    drawn: u64,
}

impl Rng {
    fn next(&mut self) -> u64 {
        use std::hash::BuildHasher;
        self.drawn += 1;
        std::hash::BuildHasherDefault::<std::hash::DefaultHasher>::default().hash_one((self.seed, self.drawn))
    }

    /// A number below `n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.next() % n as u64) as usize
    }
}

const INTERESTING: &[&[u8]] = &[
    b"\x00",
    b"\xff",
    b"<",
    b">",
    b"\"",
    b"'",
    b"&",
    b"\n",
    b"{",
    b"}",
    b"\\",
    b"<a>",
    b"</a>",
    b"]]>",
    b"<!--",
    b"99999999999",
    b"-1",
    b"4294967296",
    b"\xc3",
    b"\xef\xbf\xbd",
    b"%",
    b"(",
    b")",
    b"/",
    b"obj",
    b"stream",
    b"=?utf-8?b?",
];

/// One mutation of `data`.
fn mutate(data: &mut Vec<u8>, rng: &mut Rng) {
    let len = data.len();
    match rng.below(7) {
        0 if len > 0 => {
            let i = rng.below(len);
            data[i] ^= 1 << rng.below(8);
        }
        1 => {
            let token = INTERESTING[rng.below(INTERESTING.len())];
            let at = rng.below(len + 1);
            data.splice(at..at, token.iter().copied());
        }
        2 if len > 1 => {
            let a = rng.below(len);
            let b = (a + 1 + rng.below(64)).min(len);
            data.drain(a..b);
        }
        3 if len > 1 => {
            // Repeat a slice many times (nesting, long runs).
            let a = rng.below(len);
            let b = (a + 1 + rng.below(32)).min(len);
            let piece = data[a..b].to_vec();
            let most = if rng.below(8) == 0 { 5000 } else { 16 };
            let times = 1 + rng.below(most);
            let at = rng.below(len + 1);
            let repeated: Vec<u8> = piece.iter().copied().cycle().take(piece.len() * times).collect();
            data.splice(at..at, repeated);
        }
        4 if len > 0 => data.truncate(rng.below(len)),
        5 if len > 0 => {
            let i = rng.below(len);
            data[i] = rng.next() as u8;
        }
        _ => {
            // Splice a slice of the data onto another place of it.
            if len > 2 {
                let a = rng.below(len);
                let b = (a + 1 + rng.below(128)).min(len);
                let piece = data[a..b].to_vec();
                let at = rng.below(len);
                let end = (at + piece.len()).min(len);
                data.splice(at..end, piece);
            }
        }
    }
}

/// Whether a worker died (or panicked) or hit a process limit (memory, time), rather than a reader
/// refusing the input with a limit of its own.
fn is_death(stop: &Stop) -> bool {
    matches!(
        stop,
        Stop::Crashed { .. }
            | Stop::Panicked { .. }
            | Stop::Memory { .. }
            | Stop::Cpu { .. }
            | Stop::Time { .. }
            | Stop::Nesting
            | Stop::Garbled { .. }
    )
}

/// What one format's run found.
#[derive(Debug, Default)]
pub struct Found {
    /// Inputs tried.
    pub runs: u64,
    /// Outcomes by kind ("ok", "corrupt", "stopped: ...", ...), with counts.
    pub outcomes: BTreeMap<String, u64>,
    /// Inputs that crashed or stopped the worker, as saved.
    pub saved: Vec<PathBuf>,
}

/// Fuzzes one format for `budget`, saving inputs that kill or stop the worker under `out`.
pub fn fuzz(
    name: &str,
    format: Format,
    seeds: &[Seed],
    worker: &WorkerCommand,
    budget: Duration,
    out: &Path,
    seed: u64,
) -> Found {
    let workers = Workers::new(worker.clone(), Limits { wall: Duration::from_secs(20), ..Limits::default() });
    let mut rng = Rng { seed, drawn: 0 };
    let mut found = Found::default();
    let started = Instant::now();
    while started.elapsed() < budget {
        let mut input = seeds[rng.below(seeds.len())].clone();
        let rounds = 1 + rng.below(8);
        match &mut input {
            Seed::Bytes(b) => (0..rounds).for_each(|_| mutate(b, &mut rng)),
            Seed::Zip(parts) => {
                let i = rng.below(parts.len());
                (0..rounds).for_each(|_| mutate(&mut parts[i].1, &mut rng));
            }
        }
        let bytes = input.bytes();
        found.runs += 1;
        let kind = match workers.extract(&bytes, format) {
            Ok(_) => "ok".to_string(),
            // A limit the readers check themselves (depth, size, bounds) is the clear error it should be.
            Err(ExtractError::Stopped(why)) if !is_death(&why) => "stopped at a reader's limit".into(),
            Err(e @ ExtractError::Stopped(_)) => {
                let file = out.join(format!("{name}-{:06}.bin", found.runs));
                if std::fs::create_dir_all(out).and_then(|()| std::fs::write(&file, &bytes)).is_ok() {
                    found.saved.push(file);
                }
                e.to_string()
            }
            Err(ExtractError::Corrupt(_)) => "damaged".into(),
            Err(e) => format!("{e:?}").split('(').next().unwrap_or("other").to_lowercase(),
        };
        *found.outcomes.entry(kind).or_default() += 1;
    }
    found
}
