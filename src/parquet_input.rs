//! Parquet input (cargo feature `parquet`): the tables a data lake holds, one document per row,
//! read the way a JSONL file is (see [`crate::corpus::Source::Parquet`]).
//!
//! Only the text and id columns are decoded (a projection), one row group at a time, so a
//! wide table or a large file is never held whole.

use std::fs::File;
use std::path::Path;

use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
use parquet::schema::types::Type;

use crate::corpus::Document;
use crate::error::{Error, Result};

/// Call `each(row, document)` for every row of `path` (rows numbered from 1), in file order.
/// A row whose text is null reaches `each` with an empty text (so it is reported like an
/// empty JSONL text); an id that is null or missing gives `{id}#{row}`, a number its digits.
pub fn for_each_row(
    path: &Path,
    id: &str,
    text_column: &str,
    id_column: &str,
    each: &mut dyn FnMut(usize, Document) -> Result<()>,
) -> Result<()> {
    let bad = |message: String| Error::Invalid(format!("{}: {message}", path.display()));
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let reader = SerializedFileReader::new(file)
        .map_err(|e| bad(format!("not a readable Parquet file: {e}")))?;
    let schema = reader.metadata().file_metadata().schema();
    let fields = schema.get_fields();
    let find = |name: &str| fields.iter().find(|f| f.name() == name).cloned();
    let Some(text_field) = find(text_column) else {
        let names: Vec<&str> = fields.iter().map(|f| f.name()).collect();
        return Err(bad(format!(
            "no column {text_column:?} (the columns: {}); name the text column with --text-column",
            names.join(", ")
        )));
    };
    if !text_field.is_primitive() {
        return Err(bad(format!(
            "column {text_column:?} is not a string column"
        )));
    }
    let mut projected = vec![text_field];
    // The id column is optional, as a JSONL `id` is.
    projected.extend(find(id_column).filter(|_| id_column != text_column));
    let projection = Type::group_type_builder(schema.name())
        .with_fields(projected)
        .build()
        .map_err(|e| bad(e.to_string()))?;
    let rows = reader
        .get_row_iter(Some(projection))
        .map_err(|e| bad(e.to_string()))?;
    for (i, row) in rows.enumerate() {
        let row_no = i + 1;
        let row = row.map_err(|e| bad(format!("row {row_no}: {e}")))?;
        let mut text = String::new();
        let mut doc_id = None;
        for (name, field) in row.get_column_iter() {
            if name == text_column {
                text = match field {
                    Field::Str(s) => s.clone(),
                    Field::Null => String::new(),
                    Field::Bytes(b) => String::from_utf8_lossy(b.data()).into_owned(),
                    other => {
                        return Err(bad(format!(
                            "row {row_no}: column {text_column:?} holds {other}, not a string"
                        )))
                    }
                };
            } else if name == id_column {
                doc_id = match field {
                    Field::Null => None,
                    Field::Str(s) => Some(s.clone()),
                    other => Some(other.to_string()),
                };
            }
        }
        let doc_id = doc_id.unwrap_or_else(|| format!("{id}#{row_no}"));
        each(row_no, Document::new(doc_id, text))?;
    }
    Ok(())
}

/// Write `rows` of (id, text) as a Parquet file with string columns `id` and `text` (for
/// tests: the round trip through a real Parquet file).
#[cfg(test)]
fn write_rows(path: &Path, rows: &[(Option<&str>, Option<&str>)]) {
    use parquet::data_type::{ByteArray, ByteArrayType};
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    use parquet::schema::parser::parse_message_type;
    use std::sync::Arc;
    let schema = Arc::new(
        parse_message_type(
            "message doc { OPTIONAL BYTE_ARRAY id (UTF8); OPTIONAL BYTE_ARRAY text (UTF8); }",
        )
        .unwrap(),
    );
    let props = Arc::new(WriterProperties::builder().build());
    let mut w = SerializedFileWriter::new(File::create(path).unwrap(), schema, props).unwrap();
    let mut rg = w.next_row_group().unwrap();
    for column in 0..2 {
        let mut col = rg.next_column().unwrap().unwrap();
        let values: Vec<Option<&str>> = rows
            .iter()
            .map(|r| if column == 0 { r.0 } else { r.1 })
            .collect();
        let data: Vec<ByteArray> = values.iter().flatten().map(|s| (*s).into()).collect();
        let levels: Vec<i16> = values.iter().map(|v| i16::from(v.is_some())).collect();
        col.typed::<ByteArrayType>()
            .write_batch(&data, Some(&levels), None)
            .unwrap();
        col.close().unwrap();
    }
    rg.close().unwrap();
    w.close().unwrap();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(path: &Path, text: &str, id: &str) -> Result<Vec<(usize, String, String)>> {
        let mut out = Vec::new();
        for_each_row(path, "t.parquet", text, id, &mut |row, d| {
            out.push((row, d.id, d.text));
            Ok(())
        })?;
        Ok(out)
    }

    #[test]
    fn rows_are_read_with_ids_and_null_texts_come_empty() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.parquet");
        write_rows(
            &p,
            &[
                (Some("a"), Some("Iran and Iraq.")),
                (None, Some("Second.")),
                (Some("c"), None),
            ],
        );
        let rows = read(&p, "text", "id").unwrap();
        assert_eq!(
            rows,
            vec![
                (1, "a".into(), "Iran and Iraq.".into()),
                (2, "t.parquet#2".into(), "Second.".into()),
                (3, "c".into(), String::new()),
            ]
        );
        // Without an id column every row is numbered.
        let rows = read(&p, "text", "doc_id").unwrap();
        assert_eq!(rows[0].1, "t.parquet#1");
    }

    #[test]
    fn a_missing_column_or_a_non_parquet_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.parquet");
        write_rows(&p, &[(Some("a"), Some("x"))]);
        let e = read(&p, "body", "id").unwrap_err().to_string();
        assert!(
            e.contains("no column \"body\" (the columns: id, text)"),
            "{e}"
        );
        let q = dir.path().join("q.parquet");
        std::fs::write(&q, "not parquet").unwrap();
        let e = read(&q, "text", "id").unwrap_err().to_string();
        assert!(e.contains("not a readable Parquet file"), "{e}");
    }
}
