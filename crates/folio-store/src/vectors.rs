//! The vector store: one LanceDB table of chunk embeddings keyed by chunk id.
//!
//! Cosine distance; exact search while small, an IVF-HNSW-SQ (or, for comparison, IVF-PQ) index past a
//! size the engine chooses, with rows the index lacks searched exactly. A filter is a LanceDB
//! pre-filter on document ids, so the `k` come from the matching rows. Every write ends by fsyncing
//! the files it added and their directories (Lance's local store does not), before the catalog relies
//! on them.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Float32Type, Int64Type};
use arrow_array::{FixedSizeListArray, Int64Array, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use folio_core::{AnnKind, AnnParams, ChunkId, DocumentId};
use futures::TryStreamExt;
use lancedb::query::{ExecutableQuery, QueryBase, Select};
use lancedb::table::OptimizeAction;
use lancedb::{DistanceType, Table};

use crate::StoreError;

/// The table of the bundled embedder's vectors (the only table before embedders could be switched).
const TABLE: &str = "chunks";

/// The table holding the vectors of the embedding model `embedder` (its stable id).
pub fn table_name(embedder: &str) -> String {
    if embedder == crate::BUNDLED_EMBEDDER {
        TABLE.to_string()
    } else {
        format!("{TABLE}-{embedder}")
    }
}

/// About how many vectors each IVF partition of an IVF-HNSW-SQ index holds (the count is rounded, so
/// 103k vectors make one graph). Searching a partition has a fixed cost of about 2 ms here on top of the
/// graph walk, so few large graphs beat many small ones: on 103k vectors, one graph gave the whole hybrid
/// search p95 27 ms at recall@10 0.97, two graphs 33 ms, and twenty needed 8 probes and 37 ms for 0.961
/// (`folio bench search`).
pub const HNSW_PARTITION_ROWS: u64 = 100_000;

/// A LanceDB table of (chunk_id, document_id, vector). A clone is another handle on the same table (for
/// work in the background).
#[derive(Clone)]
pub struct Vectors {
    table: Table,
    dim: usize,
    params: Arc<std::sync::RwLock<AnnParams>>,
    /// The table's directory, and the files in it known to be on disk (fsynced here, or there at open).
    durable: Arc<Durable>,
}

/// What [`Vectors::sync`] needs: Lance writes through its local object store without fsync, so every
/// write of this table is followed by an fsync of the files it added and of their directories, before
/// the catalog may rely on it (the consistency protocol assumes durable derived writes).
struct Durable {
    dir: std::path::PathBuf,
    synced: std::sync::Mutex<HashSet<std::path::PathBuf>>,
    /// `FOLIO_BENCH_NO_VECTOR_SYNC=1`: skip the fsyncs, only to measure what they cost (`folio bench index`).
    skip: bool,
}

impl Durable {
    /// Fsyncs every file under the directory not synced before, then every directory.
    fn sync_new_files(&self) -> std::io::Result<()> {
        if self.skip {
            return Ok(());
        }
        let mut synced = self.synced.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let (files, dirs) = tree(&self.dir)?;
        for file in files {
            if synced.contains(&file) {
                continue;
            }
            // A file Lance removed in the meantime (compaction) needs no sync.
            match std::fs::File::open(&file) {
                Ok(f) => f.sync_all()?,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(e),
            }
            synced.insert(file);
        }
        // New directory entries (file names) are durable only once their directory is synced.
        for d in dirs.iter().rev() {
            std::fs::File::open(d)?.sync_all()?;
        }
        Ok(())
    }
}

/// The regular files and the directories (`dir` first) under `dir`.
fn tree(dir: &Path) -> std::io::Result<(Vec<std::path::PathBuf>, Vec<std::path::PathBuf>)> {
    let (mut files, mut dirs) = (Vec::new(), vec![dir.to_path_buf()]);
    let mut i = 0;
    while i < dirs.len() {
        for entry in std::fs::read_dir(&dirs[i])? {
            let entry = entry?;
            let kind = entry.file_type()?;
            if kind.is_dir() {
                dirs.push(entry.path());
            } else if kind.is_file() {
                files.push(entry.path());
            }
        }
        i += 1;
    }
    Ok((files, dirs))
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
    /// Opens the table `name` in directory `dir`, creating it for vectors of `dim` dimensions if absent
    /// (with `dim` `None`, the table must exist and its dimension is taken as it is).
    pub async fn open(dir: &Path, name: &str, dim: Option<usize>) -> Result<Vectors, StoreError> {
        let dir = std::path::absolute(dir)?;
        let uri = dir.to_str().ok_or_else(|| StoreError::Incompatible(format!("non UTF-8 path {}", dir.display())))?;
        let durable = Durable {
            // Files there at open are durable: the process that wrote them synced them before relying on them.
            synced: std::sync::Mutex::new(tree(&dir).map(|(files, _)| files.into_iter().collect()).unwrap_or_default()),
            dir: dir.clone(),
            skip: std::env::var_os("FOLIO_BENCH_NO_VECTOR_SYNC").is_some_and(|v| v == "1"),
        };
        Self::connect(uri, name, dim, durable).await
    }

    /// Drops every table in directory `dir` but `keep` (a switch of embedder that finished, or one
    /// abandoned, leaves the other's table behind).
    pub async fn drop_tables_except(dir: &Path, keep: &[String]) -> Result<(), StoreError> {
        let dir = std::path::absolute(dir)?;
        let uri = dir.to_str().ok_or_else(|| StoreError::Incompatible(format!("non UTF-8 path {}", dir.display())))?;
        let db = lancedb::connect(uri).execute().await?;
        for name in db.table_names().execute().await? {
            if !keep.contains(&name) {
                tracing::info!(table = %name, "dropping a vector table no longer used");
                db.drop_table(&name, &[]).await?;
            }
        }
        // The directory's entries are durable once it is synced.
        std::fs::File::open(&dir)?.sync_all()?;
        Ok(())
    }

    /// A table held in memory (LanceDB's `memory://`, a store of its own), for tests that need no disk.
    pub async fn in_memory(name: &str, dim: usize) -> Result<Vectors, StoreError> {
        let durable = Durable { synced: Default::default(), dir: Default::default(), skip: true };
        Self::connect("memory://", name, Some(dim), durable).await
    }

    async fn connect(uri: &str, name: &str, dim: Option<usize>, durable: Durable) -> Result<Vectors, StoreError> {
        let db = lancedb::connect(uri).execute().await?;
        let names = db.table_names().execute().await?;
        let table = if names.iter().any(|n| n == name) {
            db.open_table(name).execute().await?
        } else if let Some(dim) = dim {
            db.create_empty_table(name, schema(dim)).execute().await?
        } else {
            return Err(StoreError::Incompatible(format!("the vector table {name} is missing")));
        };
        let have = table.schema().await?;
        let stored_dim = match have.field_with_name("vector").map(|f| f.data_type().clone()) {
            Ok(DataType::FixedSizeList(_, d)) => d as usize,
            _ => 0,
        };
        let dim = dim.unwrap_or(stored_dim);
        if stored_dim != dim {
            return Err(StoreError::Incompatible(format!(
                "the vector table holds {stored_dim}-dimensional vectors but the embedder makes {dim}; \
                 switch embedding models with `folio model embedder`"
            )));
        }
        let params = Arc::new(std::sync::RwLock::new(AnnParams::default()));
        Ok(Vectors { table, dim, params, durable: Arc::new(durable) })
    }

    /// Makes the table's writes so far durable (see [`Durable`]); every writing method ends with it.
    pub async fn sync(&self) -> Result<(), StoreError> {
        let durable = Arc::clone(&self.durable);
        tokio::task::spawn_blocking(move || durable.sync_new_files())
            .await
            .map_err(|e| StoreError::Io(std::io::Error::other(e.to_string())))??;
        Ok(())
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
        self.sync().await
    }

    /// Deletes every vector of the given documents.
    pub async fn delete_documents(&self, docs: &[DocumentId]) -> Result<(), StoreError> {
        for group in docs.chunks(500) {
            let list = group.iter().map(|d| d.0.to_string()).collect::<Vec<_>>().join(", ");
            self.table.delete(format!("document_id IN ({list})").as_str()).await?;
        }
        self.sync().await
    }

    /// Deletes the vectors of chunks after `id` (written by a step whose catalog record was lost).
    pub async fn delete_after(&self, id: ChunkId) -> Result<(), StoreError> {
        self.table.delete(format!("chunk_id > {}", id.0).as_str()).await?;
        self.sync().await
    }

    /// Deletes vectors by chunk id.
    pub async fn delete_chunks(&self, ids: &[ChunkId]) -> Result<(), StoreError> {
        for group in ids.chunks(500) {
            let list = group.iter().map(|d| d.0.to_string()).collect::<Vec<_>>().join(", ");
            self.table.delete(format!("chunk_id IN ({list})").as_str()).await?;
        }
        self.sync().await
    }

    /// The `k` nearest chunks to `query` by cosine distance, nearest first, among the chunks of `within`
    /// when given (a LanceDB pre-filter: the `k` are taken from the matching rows, not cut from the top).
    /// Uses the ANN index when there is one (rows added since it was built are searched exactly), unless
    /// `exact` asks for a full scan.
    pub async fn nearest_with(
        &self,
        query: &[f32],
        k: usize,
        within: Option<&[DocumentId]>,
        exact: bool,
    ) -> Result<Vec<(ChunkId, f32)>, StoreError> {
        if k == 0 || within.is_some_and(<[DocumentId]>::is_empty) {
            return Ok(Vec::new());
        }
        let mut q = self
            .table
            .query()
            .nearest_to(query)?
            .column("vector")
            .distance_type(DistanceType::Cosine)
            .limit(k)
            .select(Select::columns(&["chunk_id"]));
        if exact {
            q = q.bypass_vector_index();
        } else {
            let p = *self.params.read().unwrap_or_else(std::sync::PoisonError::into_inner);
            // HNSW must look at least as wide as the candidates it returns.
            let candidates = k * p.refine_factor.max(1) as usize;
            q = q.nprobes(p.nprobes)?.ef(p.ef.max(candidates));
            if p.refine_factor > 0 {
                q = q.refine_factor(p.refine_factor);
            }
        }
        if let Some(docs) = within {
            let list = docs.iter().map(|d| d.0.to_string()).collect::<Vec<_>>().join(", ");
            q = q.only_if(format!("document_id IN ({list})"));
        }
        let batches: Vec<RecordBatch> = q.execute().await?.try_collect().await?;
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

    /// The kind of ANN index on the vectors, if any.
    pub async fn ann(&self) -> Result<Option<String>, StoreError> {
        Ok(self.vector_index().await?.map(|i| i.index_type.to_string()))
    }

    /// The index on the vector column, if there is one.
    async fn vector_index(&self) -> Result<Option<lancedb::index::IndexConfig>, StoreError> {
        let indices = self.table.list_indices().await?;
        Ok(indices.into_iter().find(|i| i.columns.iter().any(|c| c == "vector")))
    }

    /// How many rows the ANN index does not cover yet (searched exactly until a refresh merges them);
    /// `None` without an index.
    pub async fn unindexed_rows(&self) -> Result<Option<u64>, StoreError> {
        let Some(index) = self.vector_index().await? else { return Ok(None) };
        let stats = self.table.index_stats(&index.name).await?;
        Ok(stats.map(|s| s.num_unindexed_rows as u64))
    }

    /// Builds (or rebuilds) an ANN index of `kind` over every vector, for cosine distance.
    pub async fn build_ann(&self, kind: AnnKind) -> Result<(), StoreError> {
        use lancedb::index::vector::{IvfHnswSqIndexBuilder, IvfPqIndexBuilder};
        use lancedb::index::Index;
        let rows = self.count().await?;
        // About sqrt(n) partitions for IVF-PQ; HNSW graphs of about HNSW_PARTITION_ROWS vectors each.
        let partitions = ((rows as f64).sqrt().round() as u32).clamp(1, 4096);
        let index = match kind {
            AnnKind::IvfPq => Index::IvfPq(
                IvfPqIndexBuilder::default()
                    .distance_type(DistanceType::Cosine)
                    .num_partitions(partitions)
                    .num_sub_vectors((self.dim / 8).max(1) as u32)
                    // Training is k-means in Lance's (unoptimised, see Cargo.toml) index crate: fewer
                    // samples and iterations keep a 100k-vector build to minutes on two cores.
                    .sample_rate(64)
                    .max_iterations(20),
            ),
            AnnKind::IvfHnswSq => Index::IvfHnswSq(
                IvfHnswSqIndexBuilder::default()
                    .distance_type(DistanceType::Cosine)
                    .num_partitions(((rows + HNSW_PARTITION_ROWS / 2) / HNSW_PARTITION_ROWS).max(1) as u32)
                    .sample_rate(64)
                    .max_iterations(20),
            ),
        };
        self.table.create_index(&["vector"], index).replace(true).execute().await?;
        self.sync().await
    }

    /// Adds rows written since the ANN index was built to the index.
    pub async fn refresh_ann(&self) -> Result<(), StoreError> {
        self.table.optimize(OptimizeAction::Index(lancedb::table::OptimizeOptions::default())).await?;
        self.sync().await
    }

    /// Sets how the ANN index is searched.
    pub fn set_ann_params(&self, params: AnnParams) {
        *self.params.write().unwrap_or_else(std::sync::PoisonError::into_inner) = params;
    }

    /// Compacts small fragments left by many small writes and prunes old versions.
    pub async fn compact(&self) -> Result<(), StoreError> {
        self.table.optimize(OptimizeAction::All).await?;
        self.sync().await
    }
}
