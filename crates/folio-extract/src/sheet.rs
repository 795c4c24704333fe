//! Spreadsheets (XLSX and ODS, read with zip + roxmltree; binary XLS and XLSB, read with calamine) and delimited
//! text (CSV, TSV): each row is rendered with its header names ("Region: North; Sales: 120"), one line per row,
//! located by sheet and row range.

use folio_core::chunk::LineUnit;
use folio_core::Location;

use crate::builder::Builder;
use crate::office::{is_ole, ole_names, open_zip, part};
use crate::{ExtractError, Extracted, Format, Stop};

/// Renders rows as blocks of consecutive lines, each with the sheet row number of its first line.
/// The header is the first row with more than one cell filled (or the first non-empty row, when no
/// row has two); rows above it, such as a sheet's title, form a block of their own, as plain text.
fn render(rows: &[Vec<String>], first_row_number: u32) -> Vec<(Vec<String>, u32)> {
    let filled = |r: &Vec<String>| r.iter().filter(|c| !c.trim().is_empty()).count();
    let Some(start) = rows.iter().position(|r| filled(r) > 0) else { return Vec::new() };
    let header_at = rows[start..].iter().position(|r| filled(r) > 1).map_or(start, |i| start + i);
    let mut blocks = Vec::new();
    if header_at > start {
        let mut title: Vec<String> = rows[start..header_at]
            .iter()
            .map(|r| r.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).collect::<Vec<_>>().join("; "))
            .collect();
        while title.last().is_some_and(String::is_empty) {
            title.pop();
        }
        blocks.push((title, first_row_number + start as u32));
    }
    // Header names repeat on every row: a long one is cut to MAX_HEADER_CHARS there, so that a
    // 200,000-row sheet's text is not multiplied by the length of its headers.
    let header: Vec<String> = rows[header_at].iter().map(|h| clip_header(h.trim())).collect();
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
        let names: Vec<&str> = header.iter().map(String::as_str).filter(|h| !h.is_empty()).collect();
        blocks.push((vec![names.join("; ")], first_row_number + header_at as u32));
    } else {
        blocks.push((lines, first_row_number + header_at as u32 + 1));
    }
    blocks
}

/// Longest header name repeated on each row, in characters.
const MAX_HEADER_CHARS: usize = 40;

fn clip_header(h: &str) -> String {
    match h.char_indices().nth(MAX_HEADER_CHARS) {
        Some((cut, _)) => format!("{}…", &h[..cut]),
        None => h.to_string(),
    }
}

/// XLSX and ODS workbooks: one section per sheet.
pub(crate) fn workbook(bytes: &[u8], format: Format) -> Result<Extracted, ExtractError> {
    if format == Format::Xlsx && is_binary_excel(bytes) {
        // An old .xls saved (or renamed) with the new extension: read it as what it is.
        return binary_workbook(bytes);
    }
    let kind = if format == Format::Ods { "OpenDocument spreadsheet" } else { "Excel" };
    let mut zip = open_zip(bytes, kind)?;
    let sheets = if format == Format::Ods { ods_sheets(&mut zip)? } else { xlsx_sheets(&mut zip)? };
    let mut builder = Builder::default();
    for (name, rows) in sheets {
        for (lines, first_line) in render(&rows, 1) {
            let location = Location { sheet: Some(name.clone()), ..Location::default() };
            builder.section(location, LineUnit::Rows, Some(first_line), &lines);
        }
    }
    if builder.is_empty() {
        return Err(ExtractError::Empty);
    }
    Ok(builder.finish(format))
}

/// An OLE compound file holding a BIFF workbook stream (and no encrypted OOXML package).
fn is_binary_excel(bytes: &[u8]) -> bool {
    is_ole(bytes) && !ole_names(bytes, "EncryptionInfo") && (ole_names(bytes, "Workbook") || ole_names(bytes, "Book"))
}

/// Binary workbooks: legacy Excel (.xls, BIFF5/8) and .xlsb, with calamine; a file whose extension
/// does not match its content is read as what it is. One section per sheet, rows numbered as the
/// sheet numbers them.
pub(crate) fn binary_workbook(bytes: &[u8]) -> Result<Extracted, ExtractError> {
    // calamine indexes past the end of some damaged files; that is a damaged file, not a crash.
    std::panic::catch_unwind(|| read_binary_workbook(bytes))
        .unwrap_or_else(|_| Err(ExtractError::Corrupt("the workbook is damaged or truncated".into())))
}

/// Columns a legacy Excel (BIFF) sheet may have.
const BIFF_COLUMNS: u16 = 256;

/// Checks the cells a legacy Excel workbook claims before calamine reads it: calamine allocates rows x
/// columns for every sheet from the cells' positions, and a damaged or hostile file claiming a cell
/// at column 65,535 would make that billions of cells. Walks the BIFF records of the `Workbook` (or
/// `Book`) stream; a cell beyond the format's 256 columns is refused as the XLSX reader refuses one
/// beyond Excel's bounds. A compound file whose sector tables do not hold together is refused as
/// damaged here: calamine reads such files leniently, and that is where fuzzing found it asking for
/// more than 2 GB.
fn check_biff_cells(bytes: &[u8]) -> Result<(), ExtractError> {
    let mut file = cfb::CompoundFile::open(std::io::Cursor::new(bytes))
        .map_err(|e| ExtractError::Corrupt(format!("the workbook's compound-file structure is damaged ({e})")))?;
    let stream = ["/Workbook", "/Book"].into_iter().find_map(|name| file.open_stream(name).ok());
    let Some(mut stream) = stream else { return Ok(()) };
    let mut data = Vec::new();
    if std::io::Read::read_to_end(&mut stream, &mut data).is_err() {
        return Ok(());
    }
    let u16_at = |b: &[u8], at: usize| b.get(at..at + 2).map(|x| u16::from_le_bytes([x[0], x[1]]));
    let mut at = 0;
    while let (Some(kind), Some(len)) = (u16_at(&data, at), u16_at(&data, at + 2)) {
        let body = data.get(at + 4..at + 4 + usize::from(len)).unwrap_or(&[]);
        at += 4 + usize::from(len);
        // NUMBER, RK, LABELSST, LABEL, BLANK, BOOLERR, FORMULA, RSTRING: row, then column.
        let last_column = match kind {
            0x0203 | 0x027E | 0x00FD | 0x0204 | 0x0201 | 0x0205 | 0x0006 | 0x00D6 => u16_at(body, 2),
            // MULRK, MULBLANK: row, first column, ..., last column.
            0x00BD | 0x00BE => body.len().checked_sub(2).and_then(|end| u16_at(body, end)).max(u16_at(body, 2)),
            _ => None,
        };
        if let Some(column) = last_column.filter(|c| *c >= BIFF_COLUMNS) {
            let row = u16_at(body, 0).unwrap_or(0);
            return Err(ExtractError::Corrupt(format!(
                "a cell lies outside the largest sheet a spreadsheet may have (row {}, column {})",
                u32::from(row) + 1,
                u32::from(column) + 1
            )));
        }
    }
    Ok(())
}

fn read_binary_workbook(bytes: &[u8]) -> Result<Extracted, ExtractError> {
    use calamine::Reader;
    if is_binary_excel(bytes) {
        check_biff_cells(bytes)?;
    }
    let cursor = std::io::Cursor::new(bytes);
    let mut book = match calamine::open_workbook_from_rs::<calamine::Xls<_>, _>(cursor.clone()) {
        Ok(xls) => calamine::Sheets::Xls(xls),
        Err(calamine::XlsError::Password) => return Err(ExtractError::Encrypted),
        Err(xls_error) => {
            if is_ole(bytes) && !is_binary_excel(bytes) {
                // An OLE file with no workbook: an encrypted OOXML package, or a Word or PowerPoint file.
                if ole_names(bytes, "EncryptionInfo") {
                    return Err(ExtractError::Encrypted);
                }
                return Err(ExtractError::Corrupt("an Office file with no Excel workbook in it".into()));
            }
            calamine::open_workbook_auto_from_rs(cursor)
                .map_err(|_| ExtractError::Corrupt(format!("not a readable Excel workbook ({xls_error})")))?
        }
    };
    let mut builder = Builder::default();
    for name in book.sheet_names() {
        let range = book
            .worksheet_range(&name)
            .map_err(|e| ExtractError::Corrupt(format!("sheet \"{name}\" cannot be read: {e}")))?;
        let Some((first_row, first_col)) = range.start() else { continue };
        let rows: Rows = range
            .rows()
            .map(|cells| {
                let mut row = vec![String::new(); first_col as usize];
                row.extend(cells.iter().map(cell_text));
                row
            })
            .collect();
        for (lines, first_line) in render(&rows, first_row + 1) {
            let location = Location { sheet: Some(name.clone()), ..Location::default() };
            builder.section(location, LineUnit::Rows, Some(first_line), &lines);
        }
    }
    if builder.is_empty() {
        return Err(ExtractError::Empty);
    }
    Ok(builder.finish(Format::Xls))
}

/// A cell as text; a date or time as ISO 8601 (`2024-03-15`, `2024-01-20 18:45`), not as Excel's serial
/// number. A duration (`[h]:mm`) stays a number of days.
fn cell_text(cell: &calamine::Data) -> String {
    let calamine::Data::DateTime(d) = cell else { return cell.to_string() };
    // Without its chrono feature calamine hides a value's kind and date system; equality shows them.
    let is = |is_1904| *d == calamine::ExcelDateTime::new(d.as_f64(), calamine::ExcelDateTimeType::DateTime, is_1904);
    let date = if is(false) {
        excel_date(d.as_f64(), false)
    } else if is(true) {
        excel_date(d.as_f64(), true)
    } else {
        None
    };
    date.unwrap_or_else(|| cell.to_string())
}

/// An Excel serial date as an ISO 8601 date, with the time of day when it has one. In the 1900 system
/// serial 1 is 1900-01-01 and serial 61 is 1900-03-01, after Excel's phantom 1900-02-29; in the 1904
/// system (old Mac workbooks) serial 0 is 1904-01-01.
pub(crate) fn excel_date(serial: f64, is_1904: bool) -> Option<String> {
    if !(0.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let whole = serial.floor() as i64;
    let days_since_1970 = match (is_1904, whole) {
        (true, _) => whole - 24_107,
        (false, 0) => return None,
        (false, 1..=60) => whole + 1 - 25_569,
        (false, _) => whole - 25_569,
    };
    let (y, m, d) = folio_core::civil_date(days_since_1970);
    let minutes = ((serial - serial.floor()) * 1440.0).round() as i64;
    Some(if minutes == 0 || minutes == 1440 {
        format!("{y:04}-{m:02}-{d:02}")
    } else {
        format!("{y:04}-{m:02}-{d:02} {:02}:{:02}", minutes / 60, minutes % 60)
    })
}

/// Rows of a sheet, index 0 = row 1; cells by column, index 0 = column A.
type Rows = Vec<Vec<String>>;

fn xml<'a>(text: &'a str, name: &str) -> Result<roxmltree::Document<'a>, ExtractError> {
    crate::office::parse(text, name)
}

/// Excel's largest sheet: a cell beyond it is refused, not allocated.
const MAX_ROWS: usize = 1_048_576;
const MAX_COLUMNS: usize = 16_384;
/// Most cells (filled or padding) one workbook may spread over its rows.
const MAX_CELLS: usize = 20_000_000;

/// Column index of a cell reference such as "AB12" (A = 0).
fn column_of(reference: &str) -> usize {
    reference
        .bytes()
        .take_while(u8::is_ascii_alphabetic)
        .fold(0usize, |acc, b| acc.saturating_mul(26).saturating_add(usize::from(b.to_ascii_uppercase() - b'A') + 1))
        .saturating_sub(1)
}

/// Puts `value` at (`row`, `col`), both 0-based, within Excel's bounds and the cell budget.
fn set(rows: &mut Rows, row: usize, col: usize, value: String, cells_used: &mut usize) -> Result<(), ExtractError> {
    if row >= MAX_ROWS || col >= MAX_COLUMNS {
        return Err(ExtractError::Corrupt(format!(
            "a cell lies outside the largest sheet a spreadsheet may have (row {}, column {})",
            row.saturating_add(1),
            col.saturating_add(1)
        )));
    }
    if rows.len() <= row {
        rows.resize(row + 1, Vec::new());
    }
    let cells = &mut rows[row];
    if cells.len() <= col {
        *cells_used += col + 1 - cells.len();
        if *cells_used > MAX_CELLS {
            return Err(ExtractError::Stopped(Stop::Cells { limit: MAX_CELLS as u64 }));
        }
        cells.resize(col + 1, String::new());
    }
    cells[col] = value;
    Ok(())
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
    let mut cells_used = 0;
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
                    set(&mut rows, r, col, value, &mut cells_used)?;
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
    let mut cells_used = 0;
    for table in doc.descendants().filter(|n| n.has_tag_name((TABLE, "table"))) {
        let name = table.attribute((TABLE, "name")).unwrap_or("Sheet").to_string();
        let mut rows = Rows::new();
        let mut r: usize = 0;
        for row in table.descendants().filter(|n| n.has_tag_name((TABLE, "table-row"))) {
            let times = repeat(row, "number-rows-repeated");
            let mut cells: Vec<(usize, String)> = Vec::new();
            let mut c: usize = 0;
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
                c = c.saturating_add(span);
            }
            if !cells.is_empty() {
                for k in 0..times.min(1000) {
                    for (col, v) in &cells {
                        set(&mut rows, r.saturating_add(k), *col, v.clone(), &mut cells_used)?;
                    }
                }
            }
            r = r.saturating_add(times);
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
    for (lines, first) in render(&rows, 1) {
        builder.section(Location::default(), LineUnit::Rows, Some(first), &lines);
    }
    if builder.is_empty() {
        return Err(ExtractError::Empty);
    }
    Ok(builder.finish(format))
}
