//! A folder of hostile files, one or more per class of harm, built at run time (nothing large is kept in
//! the repository): deep nesting, compression bombs, cells far outside any sheet, over-long lines,
//! repeated archive entries, FIFOs and links where files should be, terminal escapes, names that are
//! not UTF-8. Each file says what Folio must make of it. Used by the integration tests and by
//! `folio-fixtures hostile DIR` for the benchmark (`scripts/bench.sh hostile`).

use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// What indexing must make of a hostile file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// Indexed, and a search for the text finds it.
    Indexed(&'static str),
    /// Failed, with a reason containing the text.
    Failed(&'static str),
    /// Skipped, with a reason containing the text.
    Skipped(&'static str),
    /// Not a regular file: never listed, and never blocks the walk.
    NotListed,
}

/// One hostile file.
#[derive(Debug, Clone)]
pub struct Hostile {
    /// The class of harm it stands for.
    pub class: &'static str,
    /// Its path.
    pub path: PathBuf,
    /// What Folio must make of it.
    pub expect: Expect,
}

/// A zip archive of (name, bytes) parts, deflated.
pub fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        for (name, content) in parts {
            z.start_file(*name, opts).expect("zip entry");
            z.write_all(content).expect("zip write");
        }
        z.finish().expect("zip finish");
    }
    buf.into_inner()
}

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

fn docx(document: &[u8]) -> Vec<u8> {
    zip_of(&[("[Content_Types].xml", b"<Types/>"), ("word/document.xml", document)])
}

fn xlsx(sheet: &str) -> Vec<u8> {
    let workbook = r#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
    let rels = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>"#;
    zip_of(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("xl/workbook.xml", workbook.as_bytes()),
        ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
    ])
}

fn epub(opf: &str, encryption: Option<&str>) -> Vec<u8> {
    let container = r#"<container><rootfiles><rootfile full-path="OEBPS/content.opf"/></rootfiles></container>"#;
    let chapter = "<html><body><h1>Harbour log</h1><p>The pilot boat Sterna left at dawn.</p></body></html>";
    let mut parts: Vec<(&str, &[u8])> = vec![
        ("mimetype", b"application/epub+zip"),
        ("META-INF/container.xml", container.as_bytes()),
        ("OEBPS/content.opf", opf.as_bytes()),
        ("OEBPS/one.xhtml", chapter.as_bytes()),
    ];
    if let Some(e) = encryption {
        parts.push(("META-INF/encryption.xml", e.as_bytes()));
    }
    zip_of(&parts)
}

/// Writes the hostile folder under `root` and says what each file must become.
pub fn write(root: &Path) -> std::io::Result<Vec<Hostile>> {
    std::fs::create_dir_all(root)?;
    let mut out = Vec::new();
    let mut file = |class: &'static str, name: &str, bytes: &[u8], expect: Expect| -> std::io::Result<()> {
        let path = root.join(name);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&path, bytes)?;
        out.push(Hostile { class, path, expect });
        Ok(())
    };

    // An ordinary file beside the hostile ones: it must be indexed whatever happens to them.
    file(
        "control",
        "ordinary.md",
        b"# Ferry times\n\nThe Morvane ferry leaves at 07:40 every weekday.\n",
        Expect::Indexed("Morvane ferry"),
    )?;

    // Deep nesting: 50,000 nested elements in HTML, 100,000 in a DOCX part.
    let deep_html =
        format!("<html><body>{}Quillon deep marker{}</body></html>", "<div>".repeat(50_000), "</div>".repeat(50_000));
    file("deep nesting (HTML)", "deep-nesting.html", deep_html.as_bytes(), Expect::Indexed("Quillon deep marker"))?;
    let deep_xml = format!(
        "<w:document {W}><w:body>{}<w:p><w:r><w:t>deep</w:t></w:r></w:p>{}</w:body></w:document>",
        "<w:sdt><w:sdtContent>".repeat(50_000),
        "</w:sdtContent></w:sdt>".repeat(50_000)
    );
    file("deep nesting (DOCX)", "deep-nesting.docx", &docx(deep_xml.as_bytes()), Expect::Failed("deep"))?;

    // A compression bomb: a 1 MB DOCX whose main part expands to 200 MB.
    let mut bomb = format!("<w:document {W}><w:body><w:p><w:r><w:t>").into_bytes();
    bomb.resize(bomb.len() + (200 << 20), b'a');
    bomb.extend_from_slice(b"</w:t></w:r></w:p></w:body></w:document>");
    file("zip bomb", "zip-bomb.docx", &docx(&bomb), Expect::Failed("expands to more than"))?;
    drop(bomb);

    // Allocation sized by the file: a cell at row ten billion, and one at column XFE0000.
    let far = r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="10000000000"><c r="A10000000000" t="inlineStr"><is><t>far</t></is></c></row></sheetData></worksheet>"#;
    file("cell far outside the sheet", "far-cell.xlsx", &xlsx(far), Expect::Failed("outside the largest sheet"))?;
    let wide = r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="XFEZZZZZZZZZZZZZZZ1" t="inlineStr"><is><t>wide</t></is></c></row></sheetData></worksheet>"#;
    file("cell far outside the sheet", "wide-cell.xlsx", &xlsx(wide), Expect::Failed("outside the largest sheet"))?;

    // Amplified text: a CSV whose long header names repeat in every row.
    let mut csv = String::from(
        "Quarterly revenue in thousands of euros,Region of the sales office,Name of the account manager\n",
    );
    for i in 0..5_000 {
        csv.push_str(&format!("{},Region {},Manager {}\n", i * 7 % 1000, i % 12, i % 97));
    }
    csv.push_str("4242,Zaltbommel,Wendeline Oosterhuis\n");
    file("amplified text (CSV)", "many-rows.csv", csv.as_bytes(), Expect::Indexed("Wendeline Oosterhuis"))?;

    // Quadratic chunking: 3 MB with no space or line break (a minified bundle, base64).
    let blob: Vec<u8> =
        (0..3_000_000u32).map(|i| b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/"[(i % 38) as usize]).collect();
    file("one 3 MB line", "long-line.txt", &blob, Expect::Skipped("without a space"))?;
    let mut long_words = Vec::new();
    for i in 0..2_000 {
        long_words.extend_from_slice(format!("{} ", "x".repeat(300 + i % 50)).as_bytes());
    }
    long_words.extend_from_slice(b"\nThe Pelorus beacon was relit in 1998.\n");
    file("over-long words", "long-words.txt", &long_words, Expect::Indexed("Pelorus beacon"))?;

    // Repeated entries: an EPUB whose spine names one chapter 10,000 times; one with obfuscated fonts.
    let spine = r#"<itemref idref="c1"/>"#.repeat(10_000);
    let opf =
        format!(r#"<package><manifest><item id="c1" href="one.xhtml"/></manifest><spine>{spine}</spine></package>"#);
    file("repeated spine entries", "repeated-spine.epub", &epub(&opf, None), Expect::Indexed("pilot boat Sterna"))?;
    let fonts = r#"<encryption><EncryptedData><EncryptionMethod Algorithm="http://www.idpf.org/2008/embedding"/><CipherData><CipherReference URI="OEBPS/font.otf"/></CipherData></EncryptedData></encryption>"#;
    let opf = r#"<package><manifest><item id="c1" href="one.xhtml"/></manifest><spine><itemref idref="c1"/></spine></package>"#;
    file(
        "obfuscated fonts",
        "fonts/obfuscated-fonts.epub",
        &epub(opf, Some(fonts)),
        Expect::Indexed("pilot boat Sterna"),
    )?;

    // Terminal escapes in the text: OSC 52 (write the clipboard) and a screen clear.
    file(
        "terminal escapes",
        "escapes.txt",
        b"Escapade notes: the Tarrow bell rings \x1b]52;c;cm0gLXJmIH4=\x07 at noon \x1b[2J daily.\n",
        Expect::Indexed("Tarrow bell"),
    )?;

    // Names that are not UTF-8 and that a lossy conversion would make one.
    for (byte, word) in [(0xE9u8, "Kestrel"), (0xE8, "Merlin")] {
        let name = std::ffi::OsStr::from_bytes(&[b'c', b'a', b'f', byte, b'.', b't', b'x', b't']).to_os_string();
        let path = root.join("names").join(name);
        std::fs::create_dir_all(path.parent().expect("parent"))?;
        std::fs::write(&path, format!("The {word} nests on the cliff.\n"))?;
        out.push(Hostile { class: "names that are not UTF-8", path, expect: Expect::Indexed(word) });
    }

    // FIFOs where files and ignore files should be, and an ignore file that is a link to /dev/zero.
    let fifo = |path: &Path| -> std::io::Result<()> {
        let status = std::process::Command::new("mkfifo").arg(path).status()?;
        if status.success() {
            Ok(())
        } else {
            Err(std::io::Error::other("mkfifo failed"))
        }
    };
    std::fs::create_dir_all(root.join("pipes"))?;
    fifo(&root.join("pipes/pipe.txt"))?;
    out.push(Hostile { class: "FIFO as a file", path: root.join("pipes/pipe.txt"), expect: Expect::NotListed });
    fifo(&root.join("pipes/.gitignore"))?;
    std::os::unix::fs::symlink("/dev/zero", root.join("pipes/.ignore"))?;
    std::os::unix::fs::symlink("/dev/zero", root.join("pipes/zero.txt"))?;
    out.push(Hostile { class: "link to a device", path: root.join("pipes/zero.txt"), expect: Expect::NotListed });
    std::fs::write(root.join("pipes/after-the-pipes.md"), "The Ossory weir was rebuilt in 1911.\n")?;
    out.push(Hostile {
        class: "FIFO and device as ignore files",
        path: root.join("pipes/after-the-pipes.md"),
        expect: Expect::Indexed("Ossory weir"),
    });
    Ok(out)
}
