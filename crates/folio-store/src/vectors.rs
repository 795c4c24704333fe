//! The vector store: one LanceDB table of chunk embeddings keyed by chunk id.

use std::path::Path;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Float32Type, Int64Type};
use arrow_array::{FixedSizeListArray, Int64Array, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use folio_core::{ChunkId, DocumentId};
use futures::TryStreamExt;
use lancedb::query::{ExecutableQuery, QueryBase, Select};
use lancedb::table::OptimizeAction;
use lancedb::{DistanceType, Table};

use crate::StoreError;

const TABLE: &str = "chunks";

/// A LanceDB table of (chunk_id, document_id, vector).
pub struct Vectors {
    table: Table,
    dim: usize,
}

fn schema(dim: usize) -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("chunk_id", DataType::Int64, false),
        Field::new("document_id", DataType::Int64, false),
        Field::new(
            "vector",
            DataType::FixedSizeList(Arc::new(Field::new("item", DataType::Float32, true)), dim as i32),
            true,
        ),
    ]))
}

impl Vectors {
    /// Opens the table in directory `dir`, creating it for vectors of `dim` dimensions if absent.
    pub async fn open(dir: &Path, dim: usize) -> Result<Vectors, StoreError> {
        let dir = std::path::absolute(dir)?;
        let uri = dir.to_str().ok_or_else(|| StoreError::Incompatible(format!("non UTF-8 path {}", dir.display())))?;
        let db = lancedb::connect(uri).execute().await?;
        let names = db.table_names().execute().await?;
        let table = if names.iter().any(|n| n == TABLE) {
            db.open_table(TABLE).execute().await?
        } else {
            db.create_empty_table(TABLE, schema(dim)).execute().await?
        };
        let have = table.schema().await?;
        let stored_dim = match have.field_with_name("vector").map(|f| f.data_type().clone()) {
            Ok(DataType::FixedSizeList(_, d)) => d as usize,
            _ => 0,
        };
        if stored_dim != dim {
            return Err(StoreError::Incompatible(format!(
                "the vector table holds {stored_dim}-dimensional vectors but the embedder makes {dim}; \
                 re-create the library to switch embedding models"
            )));
        }
        Ok(Vectors { table, dim })
    }

    /// Appends vectors in one LanceDB write (one new table version).
    pub async fn add(&self, rows: &[(ChunkId, DocumentId, &[f32])]) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        if let Some((id, _, v)) = rows.iter().find(|(_, _, v)| v.len() != self.dim) {
            return Err(StoreError::Incompatible(format!(
                "vector of chunk {} has {} dimensions, not {}",
                id.0,
                v.len(),
                self.dim
            )));
        }
        let ids = Int64Array::from_iter_values(rows.iter().map(|r| r.0 .0));
        let docs = Int64Array::from_iter_values(rows.iter().map(|r| r.1 .0));
        let vectors = FixedSizeListArray::from_iter_primitive::<Float32Type, _, _>(
            rows.iter().map(|r| Some(r.2.iter().copied().map(Some).collect::<Vec<_>>())),
            self.dim as i32,
        );
        let batch = RecordBatch::try_new(schema(self.dim), vec![Arc::new(ids), Arc::new(docs), Arc::new(vectors)])?;
        self.table.add(batch).execute().await?;
        Ok(())
    }

    /// Deletes every vector of the given documents.
    pub async fn delete_documents(&self, docs: &[DocumentId]) -> Result<(), StoreError> {
        for group in docs.chunks(500) {
            let list = group.iter().map(|d| d.0.to_string()).collect::<Vec<_>>().join(", ");
            self.table.delete(format!("document_id IN ({list})").as_str()).await?;
        }
        Ok(())
    }

    /// Deletes vectors by chunk id.
    pub async fn delete_chunks(&self, ids: &[ChunkId]) -> Result<(), StoreError> {
        for group in ids.chunks(500) {
            let list = group.iter().map(|d| d.0.to_string()).collect::<Vec<_>>().join(", ");
            self.table.delete(format!("chunk_id IN ({list})").as_str()).await?;
        }
        Ok(())
    }

    /// The `k` nearest chunks to `query` by cosine distance, nearest first.
    pub async fn nearest(&self, query: &[f32], k: usize) -> Result<Vec<(ChunkId, f32)>, StoreError> {
        if k == 0 {
            return Ok(Vec::new());
        }
        let batches: Vec<RecordBatch> = self
            .table
            .query()
            .nearest_to(query)?
            .column("vector")
            .distance_type(DistanceType::Cosine)
            .limit(k)
            .select(Select::columns(&["chunk_id"]))
            .execute()
            .await?
            .try_collect()
            .await?;
        let mut out = Vec::new();
        for b in &batches {
            let (Some(ids), Some(dist)) = (b.column_by_name("chunk_id"), b.column_by_name("_distance")) else {
                continue;
            };
            let ids = ids.as_primitive::<Int64Type>();
            let dist = dist.as_primitive::<Float32Type>();
            for i in 0..b.num_rows() {
                out.push((ChunkId(ids.value(i)), dist.value(i)));
            }
        }
        out.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        Ok(out)
    }

    /// Every chunk id in the table (duplicates included), for consistency checks.
    pub async fn all_chunk_ids(&self) -> Result<Vec<ChunkId>, StoreError> {
        let batches: Vec<RecordBatch> =
            self.table.query().select(Select::columns(&["chunk_id"])).execute().await?.try_collect().await?;
        Ok(batches
            .iter()
            .flat_map(|b| {
                b.column(0).as_primitive::<Int64Type>().values().iter().map(|&v| ChunkId(v)).collect::<Vec<_>>()
            })
            .collect())
    }

    /// Number of rows.
    pub async fn count(&self) -> Result<u64, StoreError> {
        Ok(self.table.count_rows(None).await? as u64)
    }

    /// Compacts small fragments left by many small writes and prunes old versions.
    pub async fn compact(&self) -> Result<(), StoreError> {
        self.table.optimize(OptimizeAction::All).await?;
        Ok(())
    }
}
