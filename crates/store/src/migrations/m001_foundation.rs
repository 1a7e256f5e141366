//! Migration 1: foundation: structure, accounts, audit, search.

use sea_query::{ColumnDef, Index, Table};

use super::{fk, id};
use crate::db::{Backend, Conn};
use crate::error::Result;

pub(super) async fn up(c: &mut Conn) -> Result<()> {
    c.execute_schema(
        Table::create()
            .table("org_units")
            .col(id("id"))
            .col(ColumnDef::new("kind").text().not_null())
            .col(ColumnDef::new("valid_from").date().not_null())
            .col(ColumnDef::new("valid_to").date().null())
            .col(ColumnDef::new("address").text().null())
            .col(ColumnDef::new("phone").text().null())
            .col(ColumnDef::new("email").text().null())
            .col(ColumnDef::new("website").text().null())
            .col(ColumnDef::new("note").text().null())
            .col(
                ColumnDef::new("created_at")
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .col(
                ColumnDef::new("updated_at")
                    .timestamp_with_time_zone()
                    .not_null(),
            ),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table("org_names")
            .col(id("id"))
            .col(ColumnDef::new("unit_id").big_integer().not_null())
            .col(ColumnDef::new("name").text().not_null())
            .col(ColumnDef::new("short_name").text().null())
            .col(ColumnDef::new("name_en").text().null())
            .col(ColumnDef::new("name_key").binary().not_null())
            .col(ColumnDef::new("valid_from").date().not_null())
            .col(ColumnDef::new("valid_to").date().null())
            .foreign_key(&mut fk("org_names", "unit_id", "org_units", "id")),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table("org_codes")
            .col(id("id"))
            .col(ColumnDef::new("unit_id").big_integer().not_null())
            .col(ColumnDef::new("code").text().not_null())
            .col(ColumnDef::new("valid_from").date().not_null())
            .col(ColumnDef::new("valid_to").date().null())
            .foreign_key(&mut fk("org_codes", "unit_id", "org_units", "id")),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table("org_parents")
            .col(id("id"))
            .col(ColumnDef::new("unit_id").big_integer().not_null())
            .col(ColumnDef::new("parent_id").big_integer().not_null())
            .col(ColumnDef::new("valid_from").date().not_null())
            .col(ColumnDef::new("valid_to").date().null())
            .foreign_key(&mut fk("org_parents", "unit_id", "org_units", "id"))
            .foreign_key(&mut fk("org_parents", "parent_id", "org_units", "id")),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table("org_events")
            .col(id("id"))
            .col(ColumnDef::new("kind").text().not_null())
            .col(ColumnDef::new("event_date").date().not_null())
            .col(ColumnDef::new("note").text().null())
            .col(
                ColumnDef::new("created_at")
                    .timestamp_with_time_zone()
                    .not_null(),
            ),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table("org_event_links")
            .col(id("id"))
            .col(ColumnDef::new("event_id").big_integer().not_null())
            .col(ColumnDef::new("from_unit_id").big_integer().null())
            .col(ColumnDef::new("to_unit_id").big_integer().null())
            .col(ColumnDef::new("share").double().null())
            .foreign_key(&mut fk("org_event_links", "event_id", "org_events", "id"))
            .foreign_key(&mut fk(
                "org_event_links",
                "from_unit_id",
                "org_units",
                "id",
            ))
            .foreign_key(&mut fk("org_event_links", "to_unit_id", "org_units", "id")),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table("cluster_roles")
            .col(id("id"))
            .col(ColumnDef::new("cluster_id").big_integer().not_null())
            .col(ColumnDef::new("year").integer().not_null())
            .col(ColumnDef::new("lead_unit_id").big_integer().not_null())
            .col(ColumnDef::new("deputy_unit_id").big_integer().null())
            .foreign_key(&mut fk("cluster_roles", "cluster_id", "org_units", "id"))
            .foreign_key(&mut fk("cluster_roles", "lead_unit_id", "org_units", "id"))
            .foreign_key(&mut fk(
                "cluster_roles",
                "deputy_unit_id",
                "org_units",
                "id",
            )),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table("users")
            .col(id("id"))
            .col(ColumnDef::new("email").text().not_null().unique_key())
            .col(ColumnDef::new("display_name").text().not_null())
            .col(ColumnDef::new("name_key").binary().not_null())
            .col(ColumnDef::new("password_hash").text().not_null())
            .col(ColumnDef::new("role").text().not_null())
            .col(ColumnDef::new("unit_id").big_integer().not_null())
            .col(ColumnDef::new("active").boolean().not_null())
            .col(
                ColumnDef::new("created_at")
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .col(
                ColumnDef::new("updated_at")
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .foreign_key(&mut fk("users", "unit_id", "org_units", "id")),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table("sessions")
            .col(id("id"))
            .col(ColumnDef::new("token_hash").text().not_null().unique_key())
            .col(ColumnDef::new("user_id").big_integer().not_null())
            .col(ColumnDef::new("kind").text().not_null())
            .col(ColumnDef::new("csrf").text().not_null())
            .col(
                ColumnDef::new("created_at")
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .col(
                ColumnDef::new("expires_at")
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .foreign_key(&mut fk("sessions", "user_id", "users", "id")),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table("audit_log")
            .col(id("id"))
            .col(ColumnDef::new("at").timestamp_with_time_zone().not_null())
            .col(ColumnDef::new("actor_id").big_integer().null())
            .col(ColumnDef::new("actor_email").text().not_null())
            .col(ColumnDef::new("action").text().not_null())
            .col(ColumnDef::new("entity_type").text().not_null())
            .col(ColumnDef::new("entity_id").big_integer().not_null())
            .col(ColumnDef::new("unit_id").big_integer().null())
            .col(ColumnDef::new("changes").text().not_null()),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table("search_docs")
            .col(id("id"))
            .col(ColumnDef::new("entity_type").text().not_null())
            .col(ColumnDef::new("entity_id").big_integer().not_null())
            .col(ColumnDef::new("unit_id").big_integer().null())
            .col(ColumnDef::new("title").text().not_null())
            .col(ColumnDef::new("subtitle").text().null())
            .col(ColumnDef::new("url").text().not_null())
            .col(ColumnDef::new("folded").text().not_null()),
    )
    .await?;

    let indexes = [
        Index::create()
            .name("org_names_unit")
            .table("org_names")
            .col("unit_id")
            .to_owned(),
        Index::create()
            .name("org_codes_unit")
            .table("org_codes")
            .col("unit_id")
            .to_owned(),
        Index::create()
            .name("org_codes_code")
            .table("org_codes")
            .col("code")
            .to_owned(),
        Index::create()
            .name("org_parents_unit")
            .table("org_parents")
            .col("unit_id")
            .to_owned(),
        Index::create()
            .name("org_parents_parent")
            .table("org_parents")
            .col("parent_id")
            .to_owned(),
        Index::create()
            .name("org_event_links_event")
            .table("org_event_links")
            .col("event_id")
            .to_owned(),
        Index::create()
            .name("cluster_roles_year")
            .table("cluster_roles")
            .col("cluster_id")
            .col("year")
            .unique()
            .to_owned(),
        Index::create()
            .name("users_unit")
            .table("users")
            .col("unit_id")
            .to_owned(),
        Index::create()
            .name("sessions_user")
            .table("sessions")
            .col("user_id")
            .to_owned(),
        Index::create()
            .name("audit_entity")
            .table("audit_log")
            .col("entity_type")
            .col("entity_id")
            .to_owned(),
        Index::create()
            .name("audit_unit")
            .table("audit_log")
            .col("unit_id")
            .to_owned(),
        Index::create()
            .name("audit_actor")
            .table("audit_log")
            .col("actor_id")
            .to_owned(),
        Index::create()
            .name("search_docs_entity")
            .table("search_docs")
            .col("entity_type")
            .col("entity_id")
            .unique()
            .to_owned(),
    ];
    for index in &indexes {
        c.execute_schema(index).await?;
    }
    for (backend, sql) in SEARCH_INDEX {
        if backend == c.backend() {
            c.execute_raw(sql).await?;
        }
    }
    Ok(())
}

/// The full-text index over `search_docs.folded`, as each backend builds it.
const SEARCH_INDEX: [(Backend, &str); 5] = [
    (
        Backend::Sqlite,
        "CREATE VIRTUAL TABLE search_fts USING fts5(folded, content='search_docs', \
         content_rowid='id', tokenize='unicode61')",
    ),
    (
        Backend::Sqlite,
        "CREATE TRIGGER search_docs_ai AFTER INSERT ON search_docs BEGIN \
         INSERT INTO search_fts(rowid, folded) VALUES (new.id, new.folded); END",
    ),
    (
        Backend::Sqlite,
        "CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs BEGIN \
         INSERT INTO search_fts(search_fts, rowid, folded) VALUES ('delete', old.id, old.folded); END",
    ),
    (
        Backend::Sqlite,
        "CREATE TRIGGER search_docs_au AFTER UPDATE ON search_docs BEGIN \
         INSERT INTO search_fts(search_fts, rowid, folded) VALUES ('delete', old.id, old.folded); \
         INSERT INTO search_fts(rowid, folded) VALUES (new.id, new.folded); END",
    ),
    (
        Backend::Postgres,
        "CREATE INDEX search_docs_fts ON search_docs USING GIN (to_tsvector('simple', folded))",
    ),
];
