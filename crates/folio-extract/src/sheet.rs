//! Spreadsheets (XLSX and ODS, read with zip + roxmltree) and delimited text (CSV, TSV): each row is rendered with
//! its header names ("Region: North; Sales: 120"), one line per row, located by sheet and row range.

use folio_core::chunk::LineUnit;
use folio_core::Location;

use crate::builder::Builder;
use crate::office::{open_zip, part};
use crate::{ExtractError, Extracted, Format};

/// Renders rows (the first non-empty row is the header) as lines; returns the lines and the sheet row
/// number of the first line.
fn render(rows: &[Vec<String>], first_row_number: u32) -> Option<(Vec<String>, u32)> {
    let header_at = rows.iter().position(|r| r.iter().any(|c| !c.trim().is_empty()))?;
    let header: Vec<String> = rows[header_at].iter().map(|h| h.trim().to_string()).collect();
    let mut lines = Vec::new();
    for row in &rows[header_at + 1..] {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.trim().is_empty())
            .map(|(i, c)| match header.get(i).filter(|h| !h.is_empty()) {
                Some(h) => format!("{h}: {}", c.trim()),
                None => c.trim().to_string(),
            })
            .collect();
        lines.push(cells.join("; "));
    }
    if lines.iter().all(String::is_empty) {
        // A sheet with only a header row still says something.
        return Some((vec![header.join("; ")], first_row_number + header_at as u32));
    }
    Some((lines, first_row_number + header_at as u32 + 1))
}

/// XLSX and ODS workbooks: one section per sheet.
pub(crate) fn workbook(bytes: &[u8], format: Format) -> Result<Extracted, ExtractError> {
    let kind = if format == Format::Ods { "OpenDocument spreadsheet" } else { "Excel" };
    let mut zip = open_zip(bytes, kind)?;
    let sheets = if format == Format::Ods { ods_sheets(&mut zip)? } else { xlsx_sheets(&mut zip)? };
    let mut builder = Builder::default();
    for (name, rows) in sheets {
        if let Some((lines, first_line)) = render(&rows, 1) {
            let location = Location { sheet: Some(name), ..Location::default() };
            builder.section(location, LineUnit::Rows, Some(first_line), &lines);
        }
    }
    if builder.is_empty() {
        return Err(ExtractError::Empty);
    }
    Ok(builder.finish(format))
}

/// Rows of a sheet, index 0 = row 1; cells by column, index 0 = column A.
type Rows = Vec<Vec<String>>;

fn xml<'a>(text: &'a str, name: &str) -> Result<roxmltree::Document<'a>, ExtractError> {
    roxmltree::Document::parse(text).map_err(|e| ExtractError::Corrupt(format!("{name} is not well-formed XML: {e}")))
}

/// Column index of a cell reference such as "AB12" (A = 0).
fn column_of(reference: &str) -> usize {
    reference
        .bytes()
        .take_while(u8::is_ascii_alphabetic)
        .fold(0usize, |acc, b| acc * 26 + usize::from(b.to_ascii_uppercase() - b'A') + 1)
        .saturating_sub(1)
}

fn set(rows: &mut Rows, row: usize, col: usize, value: String) {
    if rows.len() <= row {
        rows.resize(row + 1, Vec::new());
    }
    let cells = &mut rows[row];
    if cells.len() <= col {
        cells.resize(col + 1, String::new());
    }
    cells[col] = value;
}

/// XLSX: workbook.xml names the sheets, its relationships locate them, sharedStrings.xml holds text.
fn xlsx_sheets(zip: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>) -> Result<Vec<(String, Rows)>, ExtractError> {
    let workbook = part(zip, "xl/workbook.xml")?.ok_or_else(|| ExtractError::Corrupt("no xl/workbook.xml".into()))?;
    let rels = part(zip, "xl/_rels/workbook.xml.rels")?.unwrap_or_default();
    let shared_xml = part(zip, "xl/sharedStrings.xml")?;
    let shared: Vec<String> = match &shared_xml {
        Some(text) => xml(text, "sharedStrings.xml")?
            .descendants()
            .filter(|n| n.tag_name().name() == "si")
            .map(|si| si.descendants().filter(|n| n.tag_name().name() == "t").filter_map(|n| n.text()).collect())
            .collect(),
        None => Vec::new(),
    };
    let rels_doc = if rels.is_empty() { None } else { Some(xml(&rels, "workbook.xml.rels")?) };
    let wb = xml(&workbook, "xl/workbook.xml")?;
    let mut out = Vec::new();
    for sheet in wb.descendants().filter(|n| n.tag_name().name() == "sheet") {
        let name = sheet.attribute("name").unwrap_or("Sheet").to_string();
        let rid = sheet.attributes().find(|a| a.name() == "id").map(|a| a.value());
        let target = rid
            .and_then(|id| rels_doc.as_ref()?.descendants().find(|n| n.attribute("Id") == Some(id)))
            .and_then(|n| n.attribute("Target"));
        let Some(target) = target else { continue };
        let path = match target.strip_prefix('/') {
            Some(abs) => abs.to_string(),
            None => format!("xl/{target}"),
        };
        let Some(sheet_xml) = part(zip, &path)? else { continue };
        let doc = xml(&sheet_xml, &path)?;
        let mut rows = Rows::new();
        for (i, row) in doc.descendants().filter(|n| n.tag_name().name() == "row").enumerate() {
            let r = row.attribute("r").and_then(|r| r.parse::<usize>().ok()).unwrap_or(i + 1).max(1) - 1;
            for (j, cell) in row.children().filter(|n| n.tag_name().name() == "c").enumerate() {
                let col = cell.attribute("r").map_or(j, column_of);
                let v = cell.children().find(|n| n.tag_name().name() == "v").and_then(|v| v.text()).unwrap_or("");
                let value = match cell.attribute("t") {
                    Some("s") => v.parse::<usize>().ok().and_then(|i| shared.get(i)).cloned().unwrap_or_default(),
                    Some("inlineStr") => {
                        cell.descendants().filter(|n| n.tag_name().name() == "t").filter_map(|n| n.text()).collect()
                    }
                    Some("b") => if v == "1" { "TRUE" } else { "FALSE" }.to_string(),
                    _ => v.to_string(),
                };
                if !value.is_empty() {
                    set(&mut rows, r, col, value);
                }
            }
        }
        out.push((name, rows));
    }
    Ok(out)
}

/// ODS: content.xml tables; repeated rows and cells are expanded only where they hold text.
fn ods_sheets(zip: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>) -> Result<Vec<(String, Rows)>, ExtractError> {
    const TABLE: &str = "urn:oasis:names:tc:opendocument:xmlns:table:1.0";
    let content = part(zip, "content.xml")?.ok_or_else(|| ExtractError::Corrupt("no content.xml".into()))?;
    let doc = xml(&content, "content.xml")?;
    let repeat = |n: roxmltree::Node<'_, '_>, attr: &str| {
        n.attribute((TABLE, attr)).and_then(|v| v.parse::<usize>().ok()).unwrap_or(1).clamp(1, 100_000)
    };
    let mut out = Vec::new();
    for table in doc.descendants().filter(|n| n.has_tag_name((TABLE, "table"))) {
        let name = table.attribute((TABLE, "name")).unwrap_or("Sheet").to_string();
        let mut rows = Rows::new();
        let mut r = 0;
        for row in table.descendants().filter(|n| n.has_tag_name((TABLE, "table-row"))) {
            let times = repeat(row, "number-rows-repeated");
            let mut cells: Vec<(usize, String)> = Vec::new();
            let mut c = 0;
            for cell in row
                .children()
                .filter(|n| n.has_tag_name((TABLE, "table-cell")) || n.has_tag_name((TABLE, "covered-table-cell")))
            {
                let span = repeat(cell, "number-columns-repeated");
                let text: Vec<&str> =
                    cell.descendants().filter(|n| n.tag_name().name() == "p").map(|p| p.text().unwrap_or("")).collect();
                let text = text.join(" ");
                if !text.trim().is_empty() {
                    for k in 0..span.min(1000) {
                        cells.push((c + k, text.clone()));
                    }
                }
                c += span;
            }
            if !cells.is_empty() {
                for k in 0..times.min(1000) {
                    for (col, v) in &cells {
                        set(&mut rows, r + k, *col, v.clone());
                    }
                }
            }
            r += times;
        }
        out.push((name, rows));
    }
    Ok(out)
}

/// CSV and TSV (delimiter by extension, else sniffed from the first line).
pub(crate) fn delimited(bytes: &[u8], format: Format) -> Result<Extracted, ExtractError> {
    let text = crate::text::decode(bytes)?;
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = if format == Format::Tsv || first_line.matches('\t').count() > first_line.matches(',').count() {
        b'\t'
    } else if first_line.matches(';').count() > first_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| ExtractError::Corrupt(format!("malformed delimited text: {e}")))?;
        rows.push(record.iter().map(str::to_string).collect());
    }
    let mut builder = Builder::default();
    if let Some((lines, first)) = render(&rows, 1) {
        builder.section(Location::default(), LineUnit::Rows, Some(first), &lines);
    }
    if builder.is_empty() {
        return Err(ExtractError::Empty);
    }
    Ok(builder.finish(format))
}
