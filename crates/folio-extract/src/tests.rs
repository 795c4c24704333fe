//! Unit tests for decoding and sectioning.

use crate::{extract, ExtractError, Format, Stop};
use folio_core::chunk::LineUnit;

fn check_decode(bytes: &[u8], expected: &str) {
    let got = extract(bytes, Format::PlainText).expect("decodes");
    assert_eq!(got.text, expected);
}

#[test]
fn decodes_common_encodings() {
    check_decode(b"plain ascii\r\nline two", "plain ascii\nline two");
    check_decode(b"\xEF\xBB\xBFbom utf8 caf\xC3\xA9", "bom utf8 café");
    check_decode(b"\xFF\xFEh\x00i\x00", "hi");
    check_decode(b"h\x00e\x00l\x00l\x00o\x00", "hello");
    check_decode(b"caf\xE9 cr\xE8me br\xFBl\xE9e, na\xEFve fa\xE7ade", "café crème brûlée, naïve façade");
}

#[test]
fn refuses_empty_and_binary() {
    assert_eq!(extract(b"", Format::PlainText), Err(ExtractError::Empty));
    assert_eq!(extract(b"  \n\t ", Format::PlainText), Err(ExtractError::Empty));
    assert_eq!(extract(b"\x7fELF\x02\x01\x01\x00\x00\x00", Format::Code), Err(ExtractError::Binary));
}

#[test]
fn markdown_sections_follow_headings() {
    let md = "intro\n# Title\ntext\n## Sub\n```\n# not a heading\n```\nmore\n# Next\nend";
    let got = extract(md.as_bytes(), Format::Markdown).expect("extracts");
    let summary: Vec<(Option<String>, u32, &str)> = got
        .sections
        .iter()
        .map(|s| (s.location.heading.clone(), s.first_line.unwrap_or(0), &md[s.start..s.end]))
        .collect();
    assert_eq!(
        summary,
        vec![
            (None, 1, "intro"),
            (Some("Title".into()), 2, "# Title\ntext"),
            (Some("Title > Sub".into()), 4, "## Sub\n```\n# not a heading\n```\nmore"),
            (Some("Next".into()), 9, "# Next\nend"),
        ]
    );
}

#[test]
fn formats_by_extension() {
    let f = |p: &str| Format::from_path(std::path::Path::new(p));
    assert_eq!(f("a/b/notes.MD"), Some(Format::Markdown));
    assert_eq!(f("x.txt"), Some(Format::PlainText));
    assert_eq!(f("main.rs"), Some(Format::Code));
    assert_eq!(f("photo.jpg"), Some(Format::Image));
    assert_eq!(f("archive.7z"), None);
    assert_eq!(f("Makefile"), None);
}

/// Builds a zip archive in memory from (name, content) pairs.
fn zip_of(parts: &[(&str, &str)]) -> Vec<u8> {
    use std::io::Write;
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, content) in parts {
            z.start_file(*name, opts).expect("zip entry");
            z.write_all(content.as_bytes()).expect("zip write");
        }
        z.finish().expect("zip finish");
    }
    buf.into_inner()
}

/// (location description, text) of each chunk-free section, for compact assertions.
fn outline(e: &crate::Extracted) -> Vec<(String, String)> {
    e.sections.iter().map(|s| (s.location.describe(), e.text[s.start..s.end].to_string())).collect()
}

fn docx_bytes() -> Vec<u8> {
    let body = r#"<?xml version="1.0" encoding="UTF-8"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr><w:r><w:t>Field guide</w:t></w:r></w:p>
<w:p><w:r><w:t>Intro text about </w:t></w:r><w:r><w:t>owls.</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="Heading2"/></w:pPr><w:r><w:t>Barn owl</w:t></w:r></w:p>
<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/></w:numPr></w:pPr><w:r><w:t>Heart-shaped face</w:t></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Wingspan</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>95 cm</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
</w:body></w:document>"#;
    zip_of(&[("[Content_Types].xml", "<Types/>"), ("word/document.xml", body)])
}

#[test]
fn docx_keeps_headings_paragraphs_lists_and_tables() {
    let e = extract(&docx_bytes(), Format::Docx).expect("docx");
    assert_eq!(
        outline(&e),
        vec![
            ("\"Field guide\"".to_string(), "Field guide\nIntro text about owls.".to_string()),
            ("\"Field guide > Barn owl\"".to_string(), "Barn owl\n• Heart-shaped face\nWingspan | 95 cm".to_string()),
        ]
    );
    // Paragraphs are numbered through the document: the second section starts at paragraph 3.
    let firsts: Vec<_> = e.sections.iter().map(|s| (s.first_line, s.unit)).collect();
    assert_eq!(firsts, vec![(Some(1), LineUnit::Paragraphs), (Some(3), LineUnit::Paragraphs)]);
}

#[test]
fn pptx_reads_slides_in_order_with_notes() {
    let pres = r#"<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><p:sldIdLst><p:sldId id="256" r:id="rId3"/><p:sldId id="257" r:id="rId2"/></p:sldIdLst></p:presentation>"#;
    let rels = r#"<Relationships><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide" Target="slides/slide1.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide" Target="slides/slide2.xml"/></Relationships>"#;
    let slide = |t: &str| {
        format!(
            r#"<p:sld xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:p><a:r><a:t>{t}</a:t></a:r></a:p></p:sld>"#
        )
    };
    let slide2_rels = r#"<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/notesSlide" Target="../notesSlides/notesSlide1.xml"/></Relationships>"#;
    let notes = r#"<p:notes xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:p><a:r><a:t>Mention the budget</a:t></a:r></a:p><a:p><a:r><a:t>2</a:t></a:r></a:p></p:notes>"#;
    let (s1, s2) = (slide("Later slide"), slide("Opening slide"));
    let bytes = zip_of(&[
        ("ppt/presentation.xml", pres),
        ("ppt/_rels/presentation.xml.rels", rels),
        ("ppt/slides/slide1.xml", &s1),
        ("ppt/slides/slide2.xml", &s2),
        ("ppt/slides/_rels/slide2.xml.rels", slide2_rels),
        ("ppt/notesSlides/notesSlide1.xml", notes),
    ]);
    let e = extract(&bytes, Format::Pptx).expect("pptx");
    assert_eq!(
        outline(&e),
        vec![
            ("slide 1".to_string(), "Opening slide\nSpeaker notes: Mention the budget".to_string()),
            ("slide 2".to_string(), "Later slide".to_string()),
        ]
    );
}

#[test]
fn odt_and_odp_read_headings_and_pages() {
    let odt = r#"<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text><text:h text:outline-level="1">Plan</text:h><text:p>First<text:s/>step.</text:p><text:list><text:list-item><text:p>Buy seeds</text:p></text:list-item></text:list></office:text></office:body></office:document-content>"#;
    let e = extract(&zip_of(&[("content.xml", odt)]), Format::Odt).expect("odt");
    assert_eq!(outline(&e), vec![("\"Plan\"".to_string(), "Plan\nFirst step.\n• Buy seeds".to_string())]);

    let odp = r#"<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"><office:body><office:presentation><draw:page><draw:frame><draw:text-box><text:p>Welcome</text:p></draw:text-box></draw:frame><presentation:notes><draw:frame><draw:text-box><text:p>Smile</text:p></draw:text-box></draw:frame></presentation:notes></draw:page><draw:page><draw:frame><draw:text-box><text:p>Agenda</text:p></draw:text-box></draw:frame></draw:page></office:presentation></office:body></office:document-content>"#;
    let e = extract(&zip_of(&[("content.xml", odp)]), Format::Odp).expect("odp");
    assert_eq!(
        outline(&e),
        vec![
            ("slide 1".to_string(), "Welcome\nSpeaker notes: Smile".to_string()),
            ("slide 2".to_string(), "Agenda".to_string())
        ]
    );
}

#[test]
fn xlsx_rows_are_rendered_with_headers_and_located_by_sheet_and_row() {
    let workbook = r#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Q3" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
    let rels = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;
    let sheet = r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Region</t></is></c><c r="B1" t="inlineStr"><is><t>Sales</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>North</t></is></c><c r="B2"><v>120</v></c></row><row r="3"><c r="A3" t="inlineStr"><is><t>South</t></is></c><c r="B3"><v>95</v></c></row></sheetData></worksheet>"#;
    let types = r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
    let root_rels = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    let bytes = zip_of(&[
        ("[Content_Types].xml", types),
        ("_rels/.rels", root_rels),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", rels),
        ("xl/worksheets/sheet1.xml", sheet),
    ]);
    let e = extract(&bytes, Format::Xlsx).expect("xlsx");
    assert_eq!(e.sections.len(), 1);
    assert_eq!(e.sections[0].location.sheet.as_deref(), Some("Q3"));
    assert_eq!(e.sections[0].first_line, Some(2));
    assert_eq!(&e.text[e.sections[0].start..e.sections[0].end], "Region: North; Sales: 120\nRegion: South; Sales: 95");
}

/// A legacy Excel 97-2003 workbook (BIFF8, written by xlwt): a title row, a blank row, then a table on
/// "Budget 2024"; a second sheet "Contacts".
const BUDGET_XLS: &[u8] = include_bytes!("../../../tests/fixtures/budget.xls");

#[test]
fn legacy_xls_rows_are_rendered_with_headers_and_located_by_sheet_and_row() {
    let e = extract(BUDGET_XLS, Format::Xls).expect("xls");
    let sheets: Vec<_> =
        e.sections.iter().map(|s| (s.location.sheet.clone().unwrap_or_default(), s.first_line)).collect();
    // The title is row 1 and the table's header row 3, so the table's rows start at 4.
    let budget = |first| ("Budget 2024".to_string(), Some(first));
    assert_eq!(sheets, [budget(1), budget(4), ("Contacts".to_string(), Some(2))]);
    assert_eq!(&e.text[e.sections[0].start..e.sections[0].end], "Household budget");
    let budget = &e.text[e.sections[1].start..e.sections[1].end];
    assert_eq!(
        budget,
        "Category: Rent; Month: January; Amount: 1450; Paid on: 2024-01-03\n\
         Category: Groceries; Month: January; Amount: 312.75; Paid on: 2024-01-20 18:45\n\
         Category: Café Zürich; Month: February; Amount: n/a\n\
         Category: Bicycle repair; Month: March; Amount: 86; Paid on: 2024-03-15"
    );
    let contacts = &e.text[e.sections[2].start..e.sections[2].end];
    assert_eq!(contacts, "Name: Miriam Tallis; Role: Archivist");
    // The same bytes named .xlsx are still read.
    assert_eq!(extract(BUDGET_XLS, Format::Xlsx).expect("xls as xlsx").text, e.text);
}

#[test]
fn excel_serial_dates_become_iso_dates_in_both_date_systems() {
    use crate::sheet::excel_date;
    assert_eq!(excel_date(1.0, false).as_deref(), Some("1900-01-01"));
    assert_eq!(excel_date(59.0, false).as_deref(), Some("1900-02-28"));
    assert_eq!(excel_date(61.0, false).as_deref(), Some("1900-03-01"));
    assert_eq!(excel_date(25_569.0, false).as_deref(), Some("1970-01-01"));
    assert_eq!(excel_date(45_366.5, false).as_deref(), Some("2024-03-15 12:00"));
    assert_eq!(excel_date(0.0, true).as_deref(), Some("1904-01-01"));
    assert_eq!(excel_date(43_904.0, true).as_deref(), Some("2024-03-15"));
    assert_eq!(excel_date(-1.0, false), None);
}

#[test]
fn damaged_and_mislabelled_xls_files_say_why() {
    let truncated = extract(&BUDGET_XLS[..BUDGET_XLS.len() / 2], Format::Xls);
    assert!(matches!(truncated, Err(ExtractError::Corrupt(_))), "{truncated:?}");
    assert!(matches!(extract(b"not a workbook", Format::Xls), Err(ExtractError::Corrupt(_))));
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend("EncryptionInfo".encode_utf16().flat_map(u16::to_le_bytes));
    assert_eq!(extract(&ole, Format::Xls), Err(ExtractError::Encrypted));
    let word = extract(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0], Format::Xls);
    assert_eq!(word, Err(ExtractError::Corrupt("an Office file with no Excel workbook in it".into())));
}

#[test]
fn a_legacy_workbook_whose_sector_tables_do_not_hold_together_is_refused_before_calamine_reads_it() {
    // calamine reads such files leniently, and fuzzing found it asking for more than 2 GB on them.
    let mut broken = BUDGET_XLS.to_vec();
    // The header lists the same FAT sector twice: a FAT that points at itself.
    let first = [broken[0x4C], broken[0x4D], broken[0x4E], broken[0x4F]];
    broken[0x2C..0x30].copy_from_slice(&2_u32.to_le_bytes());
    broken[0x50..0x54].copy_from_slice(&first);
    match extract(&broken, Format::Xls) {
        Err(ExtractError::Corrupt(why)) => assert!(why.contains("compound-file structure is damaged"), "{why}"),
        other => panic!("{other:?}"),
    }
    assert!(extract(BUDGET_XLS, Format::Xls).is_ok(), "a sound workbook still reads");
}

#[test]
fn csv_and_tsv_rows_carry_their_headers() {
    let e = extract(b"name,city\nAda,London\n\nGrace,New York\n", Format::Csv).expect("csv");
    assert_eq!(&e.text[e.sections[0].start..e.sections[0].end], "name: Ada; city: London\nname: Grace; city: New York");
    assert_eq!(e.sections[0].first_line, Some(2));
    let e = extract(b"a\tb\n1\t2\n", Format::Tsv).expect("tsv");
    assert_eq!(e.text, "a: 1; b: 2");
}

#[test]
fn html_drops_chrome_and_keeps_headings() {
    let page = r#"<html><head><title>T</title><style>p{}</style><script>alert(1)</script></head><body>
<nav>Home | About</nav><h1>Guide</h1><p>Hello <b>world</b>.</p><h2>Setup</h2><ul><li>one</li><li>two</li></ul>
<footer>(c) 2024</footer></body></html>"#;
    let e = extract(page.as_bytes(), Format::Html).expect("html");
    assert_eq!(
        outline(&e),
        vec![
            ("\"Guide\"".to_string(), "Guide\nHello world .".replace(" .", ".")),
            ("\"Guide > Setup\"".to_string(), "Setup\n• one\n• two".to_string()),
        ]
    );
}

#[test]
fn epub_chapters_follow_the_spine() {
    let container = r#"<container><rootfiles><rootfile full-path="OEBPS/content.opf"/></rootfiles></container>"#;
    let opf = r#"<package><manifest><item id="c1" href="one.xhtml"/><item id="c2" href="two.xhtml"/></manifest><spine><itemref idref="c2"/><itemref idref="c1"/></spine></package>"#;
    let bytes = zip_of(&[
        ("mimetype", "application/epub+zip"),
        ("META-INF/container.xml", container),
        ("OEBPS/content.opf", opf),
        ("OEBPS/one.xhtml", "<html><body><h1>The End</h1><p>Goodbye.</p></body></html>"),
        ("OEBPS/two.xhtml", "<html><body><h1>The Start</h1><p>Hello.</p></body></html>"),
    ]);
    let e = extract(&bytes, Format::Epub).expect("epub");
    assert_eq!(
        outline(&e),
        vec![
            ("\"The Start\", chapter 1".to_string(), "The Start\nHello.".to_string()),
            ("\"The End\", chapter 2".to_string(), "The End\nGoodbye.".to_string()),
        ]
    );
}

const EML: &str = "From: Ada Lovelace <ada@example.org>\r\nTo: Charles <cb@example.org>\r\nSubject: Engine notes\r\nDate: Mon, 1 Jul 2024 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nThe analytical engine weaves algebra.\r\n--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"plan.pdf\"\r\n\r\nJVBERi0=\r\n--b--\r\n";

#[test]
fn eml_and_mbox_keep_headers_body_and_attachment_names() {
    let e = extract(EML.as_bytes(), Format::Eml).expect("eml");
    let (place, text) = &outline(&e)[0];
    assert_eq!(place, "message 1, body");
    assert!(
        text.starts_with(
            "From: Ada Lovelace <ada@example.org>\nTo: Charles <cb@example.org>\nDate: 2024-07-01T10:00:00"
        ),
        "{text}"
    );
    assert!(text.contains("Subject: Engine notes\nThe analytical engine weaves algebra."), "{text}");
    assert!(text.ends_with("Attachments: plan.pdf"), "{text}");

    let mbox = format!("From ada Mon Jul  1 10:00:00 2024\n{}\nFrom cb Tue Jul  2 10:00:00 2024\nFrom: cb@example.org\nSubject: Re\n\nAgreed.\n", EML.replace("\r\n", "\n"));
    let e = extract(mbox.as_bytes(), Format::Mbox).expect("mbox");
    let places: Vec<String> = outline(&e).into_iter().map(|(p, _)| p).collect();
    assert_eq!(places, vec!["message 1, body", "message 2, body"]);
}

#[test]
fn rtf_text_without_control_words() {
    let rtf = br"{\rtf1\ansi{\fonttbl{\f0 Times;}}{\*\generator Writer;}\f0 Caf\'e9 society\par Second \b bold\b0  line\par \u8364?5}";
    let e = extract(rtf, Format::Rtf).expect("rtf");
    assert_eq!(e.text, "Café society\nSecond bold line\n€5");
    assert_eq!(e.sections[0].location, folio_core::Location::default());
    assert_eq!(e.sections[0].first_line, Some(1));
}

#[test]
fn damaged_and_protected_office_files_say_why() {
    let not_zip = extract(b"PK\x03\x04 truncated", Format::Docx);
    assert!(matches!(not_zip, Err(ExtractError::Corrupt(_))), "{not_zip:?}");
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend("EncryptionInfo".encode_utf16().flat_map(u16::to_le_bytes));
    assert_eq!(extract(&ole, Format::Docx), Err(ExtractError::Encrypted));
    let legacy = extract(&[0xD0, 0xCF, 0x11, 0xE0, 0, 0, 0, 0], Format::Docx);
    assert!(matches!(&legacy, Err(ExtractError::Corrupt(m)) if m.contains("old binary Office file")), "{legacy:?}");
    assert!(matches!(extract(b"%PDF-1.4 garbage", Format::Pdf), Err(ExtractError::Corrupt(_))));
    assert!(matches!(extract(b"hello", Format::Pdf), Err(ExtractError::Corrupt(_))));
}

/// A valid PDF with one line of Helvetica text per page, written by hand (objects + xref table).
fn pdf_bytes(pages: &[&str]) -> Vec<u8> {
    let n = pages.len();
    // Objects: 1 catalog, 2 pages, 3 font, then (page, content) pairs.
    let mut objects: Vec<String> = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".into(),
        format!(
            "<< /Type /Pages /Count {n} /Kids [{}] >>",
            (0..n).map(|i| format!("{} 0 R", 4 + 2 * i)).collect::<Vec<_>>().join(" ")
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".into(),
    ];
    for (i, text) in pages.iter().enumerate() {
        let stream = format!("BT /F1 14 Tf 72 720 Td ({text}) Tj ET");
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
            5 + 2 * i
        ));
        objects.push(format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()));
    }
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes(),
    );
    out
}

#[test]
fn pdf_text_is_located_by_page() {
    let bytes = pdf_bytes(&["The first page talks about otters.", "The second page is about beavers."]);
    let e = extract(&bytes, Format::Pdf).expect("pdf");
    let pages: Vec<(Option<u32>, String)> =
        e.sections.iter().map(|s| (s.location.page, e.text[s.start..s.end].trim().to_string())).collect();
    assert_eq!(pages.len(), 2, "{pages:?}");
    assert_eq!(pages[0].0, Some(1));
    assert!(pages[0].1.contains("otters"), "{pages:?}");
    assert_eq!(pages[1].0, Some(2));
    assert!(pages[1].1.contains("beavers"), "{pages:?}");
}

#[test]
fn password_protected_pdf_is_reported_as_such() {
    // qpdf (Debian package qpdf, installed by scripts/setup.sh) encrypts the fixture with a user password.
    let dir = tempfile::tempdir().expect("temp dir");
    let plain = dir.path().join("plain.pdf");
    let locked = dir.path().join("locked.pdf");
    std::fs::write(&plain, pdf_bytes(&["Secret plans."])).expect("write");
    let status = std::process::Command::new("qpdf")
        .args(["--encrypt", "hunter2", "owner", "256", "--"])
        .arg(&plain)
        .arg(&locked)
        .status()
        .expect("qpdf must be installed (scripts/setup.sh installs it)");
    assert!(status.success());
    let bytes = std::fs::read(&locked).expect("read");
    assert_eq!(extract(&bytes, Format::Pdf), Err(ExtractError::Encrypted));
}

// Hostile input (#16): each limit inside the readers gives a clear error instead of a crash or a
// runaway allocation. (The worker process that runs them is tested in the integration tests.)

#[test]
fn xml_depth_counts_elements_not_comments_or_quoted_brackets() {
    assert_eq!(crate::office::xml_depth(b"<a><b/><c x='>'><d></d></c></a>"), 3);
    assert_eq!(crate::office::xml_depth(b"<?xml version='1.0'?><!-- <x><y><z> --><a><![CDATA[<q><r>]]></a>"), 1);
    let deep = format!("{}{}", "<e>".repeat(5000), "</e>".repeat(5000));
    assert_eq!(crate::office::xml_depth(deep.as_bytes()), 5000);
}

#[test]
fn deeply_nested_office_xml_is_refused_before_parsing() {
    let w = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;
    let body = format!(
        "<w:document {w}><w:body>{}<w:p><w:r><w:t>x</w:t></w:r></w:p>{}</w:body></w:document>",
        "<w:sdt><w:sdtContent>".repeat(3000),
        "</w:sdtContent></w:sdt>".repeat(3000)
    );
    let bytes = zip_of(&[("[Content_Types].xml", "<Types/>"), ("word/document.xml", &body)]);
    match extract(&bytes, Format::Docx) {
        Err(e @ ExtractError::Stopped(Stop::XmlDepth { limit: 1000, .. })) => {
            assert!(e.to_string().contains("more than 1,000 deep"), "{e}")
        }
        other => panic!("expected a depth error, got {other:?}"),
    }
}

#[test]
fn an_archive_part_that_expands_past_the_limit_is_refused() {
    let big =
        format!("<w:document><w:body><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:body></w:document>", "a".repeat(65 << 20));
    let bytes = zip_of(&[("[Content_Types].xml", "<Types/>"), ("word/document.xml", &big)]);
    assert!(bytes.len() < 1 << 20, "the bomb is small on disk");
    match extract(&bytes, Format::Docx) {
        Err(e @ ExtractError::Stopped(Stop::Expands { .. })) => {
            assert!(e.to_string().contains("expands to more than 64 MB"), "{e}")
        }
        other => panic!("expected a size error, got {other:?}"),
    }
}

#[test]
fn cells_beyond_the_largest_sheet_are_refused_not_allocated() {
    let workbook = r#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
    let rels = r#"<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>"#;
    for cell in [
        r#"<row r="10000000000"><c r="A10000000000"><v>1</v></c></row>"#,
        r#"<row r="1"><c r="ZZZZZZZZZZZZZZZZZZZZ1"><v>1</v></c></row>"#,
    ] {
        let sheet = format!(r#"<worksheet><sheetData>{cell}</sheetData></worksheet>"#);
        let bytes = zip_of(&[
            ("xl/workbook.xml", workbook),
            ("xl/_rels/workbook.xml.rels", rels),
            ("xl/worksheets/sheet1.xml", &sheet),
        ]);
        match extract(&bytes, Format::Xlsx) {
            Err(ExtractError::Corrupt(why)) => assert!(why.contains("outside the largest sheet"), "{why}"),
            other => panic!("expected a bounds error, got {other:?}"),
        }
    }
}

#[test]
fn deeply_nested_html_keeps_its_text() {
    let html = format!("<html><body>{}Quillon{}</body></html>", "<div>".repeat(20_000), "</div>".repeat(20_000));
    let e = extract(html.as_bytes(), Format::Html).expect("html");
    assert!(e.text.contains("Quillon"));
}

#[test]
fn epub_font_obfuscation_is_not_encryption_and_repeated_chapters_are_read_once() {
    let container = r#"<container><rootfiles><rootfile full-path="content.opf"/></rootfiles></container>"#;
    let opf = format!(
        r#"<package><manifest><item id="c1" href="one.xhtml"/></manifest><spine>{}</spine></package>"#,
        r#"<itemref idref="c1"/>"#.repeat(1000)
    );
    let fonts = r#"<encryption><EncryptedData><EncryptionMethod Algorithm="http://www.idpf.org/2008/embedding"/></EncryptedData></encryption>"#;
    let bytes = zip_of(&[
        ("META-INF/container.xml", container),
        ("META-INF/encryption.xml", fonts),
        ("content.opf", &opf),
        ("one.xhtml", "<html><body><h1>Log</h1><p>The Sterna left at dawn.</p></body></html>"),
    ]);
    let e = extract(&bytes, Format::Epub).expect("font obfuscation is readable");
    assert_eq!(e.sections.len(), 1, "one chapter, however often the spine names it");
    let locked = r#"<encryption><EncryptedData><EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/></EncryptedData></encryption>"#;
    let bytes = zip_of(&[
        ("META-INF/container.xml", container),
        ("META-INF/encryption.xml", locked),
        ("content.opf", &opf),
        ("one.xhtml", "<html><body><p>secret</p></body></html>"),
    ]);
    assert_eq!(extract(&bytes, Format::Epub), Err(ExtractError::Encrypted));
}

#[test]
fn a_megabyte_without_a_space_is_not_text_and_long_labels_are_cut() {
    let blob = "QUJD".repeat(400_000);
    match extract(blob.as_bytes(), Format::Code) {
        Err(e @ ExtractError::NotText { .. }) => assert!(e.to_string().contains("without a space"), "{e}"),
        other => panic!("expected NotText, got {other:?}"),
    }
    let md = format!("# {}\n\nbody text\n", "H".repeat(100_000));
    let e = extract(md.as_bytes(), Format::Markdown).expect("markdown");
    let heading = e.sections[0].location.heading.clone().expect("heading");
    assert_eq!(heading.chars().count(), crate::MAX_LABEL_CHARS + 1);
    assert!(heading.ends_with('…'));
}

#[test]
fn html_too_deep_to_parse_is_read_as_text_and_ordinary_pages_are_not() {
    let deep =
        format!("<html><body>{}Quillon &amp; co{}</body></html>", "<div>".repeat(60_000), "</div>".repeat(60_000));
    let started = std::time::Instant::now();
    let e = extract(deep.as_bytes(), Format::Html).expect("html");
    assert!(e.text.contains("Quillon & co"), "{:?}", &e.text[..e.text.len().min(80)]);
    assert!(started.elapsed() < std::time::Duration::from_secs(10), "linear, not quadratic: {:?}", started.elapsed());
    // Thousands of line breaks and unclosed list items are no depth: the page keeps its headings.
    let flat = format!("<html><body><h1>Log</h1><ul>{}</ul></body></html>", "<li>entry<br>".repeat(5000));
    let e = extract(flat.as_bytes(), Format::Html).expect("html");
    assert_eq!(e.sections[0].location.heading.as_deref(), Some("Log"));
}
