//! The application through its real router, in process, on SQLite and on PostgreSQL.

use amity_store::Backend;
use amity_store::seed;
use amity_store::testing::{BACKENDS, TestDb};
use amity_web::{AppState, WebConfig, router};
use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

struct App {
    router: Router,
    db: TestDb,
    backend: Backend,
}

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|_| panic!("not JSON: {}", self.text()))
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    fn error_field(&self) -> String {
        self.json()["errors"][0]["field"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

impl App {
    /// The demo's facts from the seed articles: the fixed ground most tests count on.
    async fn new(backend: Backend) -> App {
        App::with(backend, false).await
    }

    /// The demo as people get it: the articles' facts and the living years up to today.
    async fn living(backend: Backend) -> App {
        App::with(backend, true).await
    }

    async fn with(backend: Backend, living: bool) -> App {
        let db = TestDb::new(backend).await.expect("test database");
        match living {
            true => seed::demo(&db.db).await.expect("demo"),
            false => seed::demo_facts(&db.db).await.expect("demo"),
        };
        let router = router(AppState::new(db.db.clone(), WebConfig::default()));
        App {
            router,
            db,
            backend,
        }
    }

    /// Sends a request; an API reply must match the description ([`described::check`]).
    async fn send(&self, req: Request<Body>) -> Reply {
        let method = req.method().clone();
        let path = req.uri().path().to_owned();
        let reply = self.send_unchecked(req).await;
        described::check(&method, &path, &reply);
        reply
    }

    async fn send_unchecked(&self, req: Request<Body>) -> Reply {
        let resp = self.router.clone().oneshot(req).await.expect("infallible");
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
            .to_vec();
        Reply {
            status,
            headers,
            body,
        }
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let req = match body {
            Some(b) => req
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(b.to_string())),
            None => req.body(Body::empty()),
        };
        self.send(req.expect("request")).await
    }

    async fn get(&self, path: &str, token: &str) -> Reply {
        self.call(Method::GET, path, Some(token), None).await
    }

    async fn token(&self, email: &str) -> String {
        let r = self
            .call(
                Method::POST,
                "/api/v1/auth/token",
                None,
                Some(json!({"email": email, "password": "amity-demo"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        r.json()["token"].as_str().expect("token").to_owned()
    }

    async fn unit_by_code(&self, token: &str, code: &str, as_of: &str) -> Value {
        let r = self
            .get(
                &format!("/api/v1/org-units?as_of={as_of}&per_page=500"),
                token,
            )
            .await;
        r.json()["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|u| u["code"] == code)
            .cloned()
            .unwrap_or_else(|| panic!("no unit {code} on {as_of}"))
    }

    /// A demo report on `form` for `year` whose unit's name holds `unit`.
    async fn report_of(&self, token: &str, form: &str, year: i32, unit: &str) -> Value {
        let reports = self
            .get(&format!("/api/v1/reports?form={form}&year={year}"), token)
            .await
            .json();
        reports["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|r| r["unit_name"].as_str().is_some_and(|n| n.contains(unit)))
            .cloned()
            .unwrap_or_else(|| panic!("no {form} {year} report of {unit}: {reports}"))
    }

    /// The audit entries of changes to records the reader sees (sign-ins left out).
    async fn audit_total(&self, token: &str) -> i64 {
        let total = |path: &'static str| async move {
            self.get(path, token).await.json()["total"]
                .as_i64()
                .expect("total")
        };
        total("/api/v1/audit?per_page=1").await
            - total("/api/v1/audit?per_page=1&entity_type=sign_in").await
    }

    async fn done(self) {
        self.db.cleanup().await.expect("cleanup");
    }
}

/// Every API reply a test receives is checked against the served description: its status
/// must be described, its content type listed, and a JSON body must match the schema.
mod described {
    use std::collections::HashMap;
    use std::sync::{LazyLock, Mutex};

    use axum::http::{Method, header};
    use serde_json::Value;

    use super::Reply;

    static DESCRIPTION: LazyLock<Value> = LazyLock::new(|| {
        serde_json::from_str(amity_web::api::description()).expect("the description is JSON")
    });
    static VALIDATORS: LazyLock<Mutex<HashMap<String, jsonschema::Validator>>> =
        LazyLock::new(Default::default);

    /// The described path a request path falls under: literal segments before `{parameters}`.
    pub fn template(path: &str) -> Option<&'static str> {
        let wanted: Vec<&str> = path.split('/').collect();
        let paths = DESCRIPTION["paths"].as_object().expect("paths");
        paths
            .keys()
            .filter_map(|t| {
                let parts: Vec<&str> = t.split('/').collect();
                (parts.len() == wanted.len()
                    && parts
                        .iter()
                        .zip(&wanted)
                        .all(|(p, w)| p == w || (p.starts_with('{') && !w.is_empty())))
                .then(|| (parts.iter().filter(|p| p.starts_with('{')).count(), t))
            })
            .min()
            .map(|(_, t)| t.as_str())
    }

    /// JSON pointer escaping.
    fn escape(s: &str) -> String {
        s.replace('~', "~0").replace('/', "~1")
    }

    pub fn check(method: &Method, path: &str, reply: &Reply) {
        let Some(rel) = path.strip_prefix("/api/v1") else {
            return;
        };
        if rel == "/openapi.json" || rel.starts_with("/docs") {
            return;
        }
        let what = format!("{method} {path} → {}", reply.status);
        let Some(template) = template(rel) else {
            assert_eq!(reply.status, 404, "{what}: path not described");
            return;
        };
        let verb = method.as_str().to_lowercase();
        let operation = format!("/paths/{}/{verb}", escape(template));
        if DESCRIPTION.pointer(&operation).is_none() {
            // A method the path does not take: refused before or by the router.
            assert!(
                [401, 405].contains(&reply.status.as_u16()),
                "{what}: not described"
            );
            return;
        }
        let base = format!("{operation}/responses");
        let status = reply.status.as_str();
        let mut pointer = format!("{base}/{status}");
        let mut response = DESCRIPTION
            .pointer(&pointer)
            .unwrap_or_else(|| panic!("{what}: status not described: {}", reply.text()));
        if let Some(target) = response.get("$ref").and_then(Value::as_str) {
            pointer = target.trim_start_matches('#').to_owned();
            response = DESCRIPTION.pointer(&pointer).expect("a described response");
        }
        let kind = reply
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(';').next().unwrap_or_default().trim().to_owned());
        let Some(content) = response.get("content").and_then(Value::as_object) else {
            assert!(
                reply.body.is_empty(),
                "{what}: a body where none is described: {}",
                reply.text()
            );
            return;
        };
        let kind = kind.unwrap_or_else(|| panic!("{what}: no content type"));
        assert!(
            content.contains_key(&kind) || content.contains_key("*/*"),
            "{what}: content type {kind} not described (described: {:?})",
            content.keys().collect::<Vec<_>>()
        );
        if kind != "application/json" {
            return;
        }
        // A fragment: braces of path templates are percent-encoded.
        let pointer = format!("#{pointer}/content/application~1json/schema")
            .replace('{', "%7B")
            .replace('}', "%7D");
        let body: Value = serde_json::from_slice(&reply.body)
            .unwrap_or_else(|_| panic!("{what}: not JSON: {}", reply.text()));
        let mut validators = VALIDATORS
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let validator = validators.entry(pointer.clone()).or_insert_with(|| {
            let mut schema = DESCRIPTION.clone();
            schema["$ref"] = Value::String(pointer.clone());
            jsonschema::options()
                .with_draft(jsonschema::Draft::Draft202012)
                .should_validate_formats(true)
                .build(&schema)
                .unwrap_or_else(|e| panic!("{what}: schema {pointer} does not build: {e}"))
        });
        let errors: Vec<String> = validator
            .iter_errors(&body)
            .take(5)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{what}: the body does not match {pointer}:\n{}\n{}",
            errors.join("\n"),
            reply.text().chars().take(600).collect::<String>()
        );
    }
}

async fn each_backend<F, Fut>(test: F)
where
    F: Fn(App) -> Fut,
    Fut: std::future::Future<Output = App>,
{
    for backend in BACKENDS {
        let app = App::new(backend).await;
        test(app).await.done().await;
    }
}

#[tokio::test]
async fn the_description_covers_every_api_route_and_no_other() {
    let app = App::new(Backend::Sqlite).await;
    let token = app.token("admin@demo.amity").await;
    let table = amity_web::routes::route_table();
    let mut routed = std::collections::BTreeSet::new();
    for path in table.public.iter().chain(&table.protected) {
        let Some(rel) = path.strip_prefix("/api/v1") else {
            continue;
        };
        if rel == "/openapi.json" || rel.starts_with("/docs") {
            continue;
        }
        // A method the route does not take is answered 405 with the methods it does take.
        let concrete = path.replace('{', "x").replace('}', "");
        let req = Request::builder()
            .method(Method::TRACE)
            .uri(&concrete)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .expect("request");
        let r = app.send_unchecked(req).await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "TRACE {concrete}");
        let allow = r.headers[header::ALLOW].to_str().expect("Allow").to_owned();
        for method in allow.split(',').map(str::trim).filter(|m| *m != "HEAD") {
            routed.insert(format!("{method} {rel}"));
        }
    }
    let description: Value =
        serde_json::from_str(amity_web::api::description()).expect("the description is JSON");
    let described: std::collections::BTreeSet<String> = description["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .expect("a path item")
                .keys()
                .filter(|k| ["get", "post", "put", "patch", "delete"].contains(&k.as_str()))
                .map(move |m| format!("{} {path}", m.to_uppercase()))
        })
        .collect();
    assert!(routed.len() > 140, "the table looks incomplete: {routed:?}");
    let undescribed: Vec<_> = routed.difference(&described).collect();
    let unrouted: Vec<_> = described.difference(&routed).collect();
    assert!(
        undescribed.is_empty(),
        "routes not described: {undescribed:?}"
    );
    assert!(
        unrouted.is_empty(),
        "described but not routed: {unrouted:?}"
    );
    app.done().await;
}

#[tokio::test]
async fn every_non_public_route_refuses_anonymous_requests() {
    let app = App::new(Backend::Sqlite).await;
    let table = amity_web::routes::route_table();
    assert!(
        table.protected.len() > 20,
        "the table looks incomplete: {:?}",
        table.protected
    );
    for path in &table.protected {
        let concrete = path
            .replace("{id}", "1")
            .replace("{year}", "2023")
            .replace("{code}", "vi");
        let mut refused = 0;
        for method in [
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ] {
            let r = app.call(method.clone(), &concrete, None, None).await;
            match r.status {
                StatusCode::UNAUTHORIZED => {
                    assert!(
                        concrete.starts_with("/api/"),
                        "{method} {concrete}: pages redirect to sign-in"
                    );
                    assert!(r.json()["errors"][0]["detail"].is_string());
                    refused += 1;
                }
                StatusCode::SEE_OTHER | StatusCode::TEMPORARY_REDIRECT => {
                    let location = r
                        .headers
                        .get(header::LOCATION)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default();
                    assert!(
                        location.starts_with("/login"),
                        "{method} {concrete} → {location}"
                    );
                    refused += 1;
                }
                StatusCode::METHOD_NOT_ALLOWED => {}
                other => panic!(
                    "{method} {concrete} answered {other} to an anonymous request: {}",
                    r.text()
                ),
            }
        }
        assert!(refused > 0, "{concrete} served no method at all");
    }
    // Public routes answer without signing in.
    assert_eq!(
        app.call(Method::GET, "/healthz", None, None).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.call(Method::GET, "/login", None, None).await.status,
        StatusCode::OK
    );
    app.done().await;
}

#[tokio::test]
async fn refusals_made_below_the_handlers_are_the_json_envelope_too() {
    let app = App::new(Backend::Sqlite).await;
    let t = app.token("admin@demo.amity").await;
    // A path segment that is not a number, refused by the router's extractor.
    let r = app.get("/api/v1/events/abc", &t).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.json()["errors"][0]["detail"]
            .as_str()
            .is_some_and(|d| d.contains("abc"))
    );
    // A method the path does not take.
    let r = app
        .call(Method::PUT, "/api/v1/events", Some(&t), Some(json!({})))
        .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(r.json()["errors"][0]["detail"].is_string());
    // A JSON body over the JSON limit.
    let big = json!({"title": "x".repeat(3 * 1024 * 1024)});
    let r = app
        .call(Method::POST, "/api/v1/events", Some(&t), Some(big))
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text());
    assert!(r.json()["errors"][0]["detail"].is_string());
    // Values the handlers refuse name their field instead of failing the server.
    let r = app.get("/api/v1/aid/dashboard?year=-2147483648", &t).await;
    assert_eq!(
        (r.status, r.error_field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "year".to_owned())
    );
    let before = app.audit_total(&t).await;
    let r = app
        .call(
            Method::POST,
            "/api/v1/people",
            Some(&t),
            Some(json!({"name": "Nguyễn Văn Ai", "owner_unit_id": 4_611_686_018_427_387_903_i64})),
        )
        .await;
    assert_eq!(
        (r.status, r.error_field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "owner_unit_id".to_owned()),
        "{}",
        r.text()
    );
    assert_eq!(app.audit_total(&t).await, before, "nothing was written");
    app.done().await;
}

#[tokio::test]
async fn a_refused_list_filter_is_said_in_the_readers_language() {
    let app = App::new(Backend::Sqlite).await;
    let (session, _) = sign_in(&app, "khanhhoa@demo.amity").await;
    for (path, vi, en) in [
        (
            "/events?year=abc",
            "Năm: “abc” không phải là số",
            "Year: “abc” is not a number",
        ),
        ("/delegations?unit=x", "Đơn vị: ", "Unit: "),
        (
            "/events?sort=budget",
            "Sắp xếp: Không sắp xếp được theo “budget”",
            "Cannot sort by “budget”",
        ),
    ] {
        for (lang, expected) in [("vi", vi), ("en", en)] {
            let page = app
                .send(
                    Request::get(path)
                        .header(
                            header::COOKIE,
                            format!("amity_session={session}; amity_lang={lang}"),
                        )
                        .body(Body::empty())
                        .expect("request"),
                )
                .await;
            assert_eq!(page.status, StatusCode::OK, "{path}");
            let text = page.text();
            let notice = text
                .split("class=\"notice error\" role=\"alert\">")
                .nth(1)
                .and_then(|s| s.split("</p>").next())
                .unwrap_or_else(|| panic!("{path} ({lang}) shows the refusal"))
                .to_owned();
            assert!(notice.contains(expected), "{path} ({lang}): {notice}");
            if lang == "vi" {
                for code in ["year:", "unit:", "sort:", "is not", "cannot"] {
                    assert!(
                        !notice.contains(code),
                        "{path}: no code or English in {notice}"
                    );
                }
            }
        }
    }
    app.done().await;
}

#[tokio::test]
async fn the_description_can_be_browsed() {
    let app = App::new(Backend::Sqlite).await;
    let r = app.call(Method::GET, "/api/v1/docs", None, None).await;
    assert_eq!(r.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(r.headers[header::LOCATION], "/api/v1/docs/");
    let page = app.call(Method::GET, "/api/v1/docs/", None, None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("swagger-ui"), "{}", page.text());
    let init = app
        .call(
            Method::GET,
            "/api/v1/docs/swagger-initializer.js",
            None,
            None,
        )
        .await;
    assert!(
        init.text().contains("/api/v1/openapi.json"),
        "it reads the served description"
    );
    app.done().await;
}

#[tokio::test]
async fn the_openapi_document_describes_every_api_route() {
    let app = App::new(Backend::Sqlite).await;
    let r = app
        .call(Method::GET, "/api/v1/openapi.json", None, None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = r.json();
    let table = amity_web::routes::route_table();
    for path in table
        .protected
        .iter()
        .chain(table.public.iter())
        .filter(|p| {
            p.starts_with("/api/v1/")
                && !p.ends_with("openapi.json")
                && !p.starts_with("/api/v1/docs")
        })
    {
        let key = path.trim_start_matches("/api/v1");
        assert!(doc["paths"].get(key).is_some(), "openapi.json lacks {key}");
    }
    app.done().await;
}

#[tokio::test]
async fn the_structure_follows_the_2025_merger_through_the_api() {
    each_backend(|app| async move {
        let t = app.token("viewer@demo.amity").await;
        let before = app
            .get("/api/v1/org-units?kind=province_union&as_of=2024-06-30", &t)
            .await
            .json();
        let after = app
            .get("/api/v1/org-units?kind=province_union&as_of=2025-07-01", &t)
            .await
            .json();
        assert_eq!(before["total"], 63, "{:?}", app.backend);
        assert_eq!(after["total"], 34);
        let q44_before = app.unit_by_code(&t, "44", "2024-06-30").await;
        let q44_after = app.unit_by_code(&t, "44", "2025-07-01").await;
        assert_ne!(q44_before["id"], q44_after["id"]);
        assert_eq!(q44_before["short_name"], "Quảng Bình");
        assert_eq!(q44_after["short_name"], "Quảng Trị");
        let da_nang = app.unit_by_code(&t, "48", "2025-07-01").await;
        let lineage = app
            .get(&format!("/api/v1/org-units/{}/lineage", da_nang["id"]), &t)
            .await
            .json();
        let merge = lineage["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|e| e["kind"] == "merge")
            .expect("merge event")
            .clone();
        assert_eq!(merge["date"], "2025-07-01");
        let sources: Vec<String> = merge["links"]
            .as_array()
            .expect("links")
            .iter()
            .map(|l| l["from"]["name"].as_str().unwrap_or_default().to_owned())
            .collect();
        assert!(
            sources.iter().any(|s| s.ends_with("Quảng Nam"))
                && sources.iter().any(|s| s.ends_with("Đà Nẵng")),
            "{sources:?}"
        );
        let cluster = app.unit_by_code(&t, "CUM-3", "2023-06-01").await;
        let year = app
            .get(
                &format!("/api/v1/org-units/{}/cluster?year=2023", cluster["id"]),
                &t,
            )
            .await
            .json();
        assert_eq!(year["members"].as_array().map(Vec::len), Some(11));
        assert!(
            year["lead"]["name"]
                .as_str()
                .unwrap_or_default()
                .ends_with("Khánh Hòa")
        );
        assert!(
            year["deputy"]["name"]
                .as_str()
                .unwrap_or_default()
                .ends_with("Quảng Nam")
        );
        app
    })
    .await;
}

#[tokio::test]
async fn names_sort_in_vietnamese_order_through_the_api() {
    each_backend(|app| async move {
        let t = app.token("viewer@demo.amity").await;
        let list = app
            .get(
                "/api/v1/org-units?kind=province_union&as_of=2024-06-30&sort=name&per_page=100",
                &t,
            )
            .await
            .json();
        let names: Vec<String> = list["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|u| u["short_name"].as_str().unwrap_or_default().to_owned())
            .collect();
        let pos = |n: &str| {
            names
                .iter()
                .position(|x| x == n)
                .unwrap_or_else(|| panic!("{n} missing"))
        };
        assert!(
            pos("Cà Mau") < pos("Đà Nẵng")
                && pos("Đà Nẵng") < pos("Đắk Lắk")
                && pos("Đắk Lắk") < pos("Điện Biên")
                && pos("Điện Biên") < pos("Đồng Nai")
                && pos("Đồng Tháp") < pos("Gia Lai"),
            "{names:?}"
        );
        let desc = app
            .get(
                "/api/v1/org-units?kind=province_union&as_of=2024-06-30&sort=-name&per_page=1",
                &t,
            )
            .await
            .json();
        assert_eq!(
            desc["items"][0]["short_name"],
            names.last().cloned().unwrap_or_default()
        );
        let bad = app.get("/api/v1/org-units?sort=colour", &t).await;
        assert_eq!(
            (bad.status, bad.error_field()),
            (StatusCode::UNPROCESSABLE_ENTITY, "sort".to_owned())
        );
        app
    })
    .await;
}

#[tokio::test]
async fn scope_holds_for_unions_viewers_and_anonymous_callers() {
    each_backend(|app| async move {
        let qn = app.token("quangnam@demo.amity").await;
        let viewer = app.token("viewer@demo.amity").await;
        let kh = app.unit_by_code(&qn, "56", "2026-01-01").await;
        let r = app
            .call(
                Method::PATCH,
                &format!("/api/v1/org-units/{}", kh["id"]),
                Some(&qn),
                Some(json!({"phone": "0258 1"})),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "{:?}: {}",
            app.backend,
            r.text()
        );
        let r = app
            .call(
                Method::PATCH,
                &format!("/api/v1/org-units/{}", kh["id"]),
                Some(&viewer),
                Some(json!({"phone": "0258 1"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = app
            .call(
                Method::POST,
                "/api/v1/org-units",
                Some(&viewer),
                Some(json!({"kind": "other", "name": "X"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // Khánh Hòa's account is a private record: not in Quảng Nam's lists, counts or search.
        let users = app.get("/api/v1/users", &qn).await.json();
        assert_eq!(users["total"], 1);
        let hits = app.get("/api/v1/search?q=khanhhoa", &qn).await.json();
        assert!(
            hits["items"]
                .as_array()
                .expect("items")
                .iter()
                .all(|h| h["entity_type"] != "user"),
            "{hits}"
        );
        let admin = app.token("admin@demo.amity").await;
        let hits = app.get("/api/v1/search?q=khanhhoa", &admin).await.json();
        let account = hits["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|h| h["entity_type"] == "user")
            .expect("admin finds it")
            .clone();
        let r = app
            .get(&format!("/api/v1/users/{}", account["entity_id"]), &qn)
            .await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "an id outside scope reveals nothing"
        );
        // Anonymous and bad tokens.
        assert_eq!(
            app.call(Method::GET, "/api/v1/org-units", None, None)
                .await
                .status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            app.get("/api/v1/org-units", "not-a-token").await.status,
            StatusCode::UNAUTHORIZED
        );
        app
    })
    .await;
}

#[tokio::test]
async fn bad_input_is_refused_naming_the_field_and_changes_nothing() {
    each_backend(|app| async move {
        let admin = app.token("admin@demo.amity").await;
        let before = app.audit_total(&admin).await;
        let vufo = app.unit_by_code(&admin, "VUFO", "2026-01-01").await;
        let cases = [
            (json!({"kind": "other", "name": "X", "colour": "red"}), "colour"),
            (json!({"kind": "other", "name": "   "}), "name"),
            (json!({"kind": "other", "name": 3}), "name"),
            (json!({"kind": "province", "name": "X"}), "kind"),
            (json!({"kind": "other", "name": "X", "valid_from": "2024-02-30"}), "valid_from"),
            (json!({"kind": "other", "name": "X", "valid_from": "2024-01-01", "valid_to": "2023-01-01"}), "valid_to"),
            (json!({"kind": "other", "name": "Trùng mã", "code": "56", "parent_id": vufo["id"], "valid_from": "2024-01-01"}), "code"),
            (json!({"kind": "other", "name": "X", "parent_id": 999999}), "parent_id"),
        ];
        for (body, field) in cases {
            let r = app.call(Method::POST, "/api/v1/org-units", Some(&admin), Some(body.clone())).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?} {body}: {}", app.backend, r.text());
            assert_eq!(r.error_field(), field, "{body}: {}", r.text());
        }
        let qn = app.unit_by_code(&admin, "49", "2024-01-01").await;
        let r = app
            .call(
                Method::POST,
                "/api/v1/org-units/merge",
                Some(&admin),
                Some(json!({"from": [qn["id"]], "into": qn["id"], "date": "2025-07-01"})),
            )
            .await;
        assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, "into".to_owned()), "{}", r.text());
        let r = app.call(Method::PATCH, &format!("/api/v1/org-units/{}", qn["id"]), Some(&admin), Some(json!({"name": ""}))).await;
        assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, "name".to_owned()));
        let r = app.call(Method::GET, "/api/v1/org-units?per_page=501", Some(&admin), None).await;
        assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, "per_page".to_owned()));
        let r = app.call(Method::GET, "/api/v1/org-units?as_of=yesterday", Some(&admin), None).await;
        assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, "as_of".to_owned()));
        assert_eq!(app.audit_total(&admin).await, before, "{:?}: nothing was written", app.backend);
        let r = app.get("/api/v1/no-such-thing", &admin).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(r.json()["errors"][0]["detail"].is_string());
        app
    })
    .await;
}

#[tokio::test]
async fn every_write_shows_in_the_audit_with_before_and_after() {
    each_backend(|app| async move {
        let admin = app.token("admin@demo.amity").await;
        let qn_token = app.token("quangnam@demo.amity").await;
        let qn = app.unit_by_code(&admin, "49", "2024-01-01").await;
        let r = app.call(Method::PATCH, &format!("/api/v1/org-units/{}", qn["id"]), Some(&qn_token), Some(json!({"website": "https://quangnam.example"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let entries = app.get(&format!("/api/v1/audit?entity_type=org_unit&entity_id={}&actor=quangnam@demo.amity", qn["id"]), &admin).await.json();
        assert_eq!(entries["total"], 1, "{:?}: {entries}", app.backend);
        assert_eq!(entries["items"][0]["changes"]["website"], json!({"before": null, "after": "https://quangnam.example"}));
        // Creating a unit and an account are audited too, the password never.
        let vufo = app.unit_by_code(&admin, "VUFO", "2026-01-01").await;
        let r = app.call(Method::POST, "/api/v1/org-units", Some(&admin), Some(json!({"kind": "other", "name": "Ban Thử nghiệm", "code": "T-1", "parent_id": vufo["id"], "valid_from": "2026-01-01"}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let unit = r.json();
        let audit = app.get(&format!("/api/v1/audit?entity_type=org_unit&entity_id={}", unit["id"]), &admin).await.json();
        assert_eq!(audit["items"][0]["changes"]["name"]["after"], "Ban Thử nghiệm");
        let r = app.call(Method::POST, "/api/v1/users", Some(&admin), Some(json!({"email": "moi@demo.amity", "display_name": "Người mới", "role": "union_staff", "unit_id": unit["id"], "password": "mot-mat-khau-dai"}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let created = r.json();
        let audit = app.get(&format!("/api/v1/audit?entity_type=user&entity_id={}", created["id"]), &admin).await;
        assert!(!audit.text().contains("mot-mat-khau-dai") && !audit.text().contains("argon2"));
        let r = app.call(Method::PATCH, &format!("/api/v1/users/{}", created["id"]), Some(&admin), Some(json!({"password": "mat-khau-moi-dai-hon"}))).await;
        assert_eq!(r.status, StatusCode::OK);
        let audit = app.get(&format!("/api/v1/audit?entity_type=user&entity_id={}", created["id"]), &admin).await.json();
        assert_eq!(audit["items"][0]["changes"]["password"]["after"], "(changed)");
        // Quảng Nam reads its own entries but not the new unit's.
        let own = app.get("/api/v1/audit?entity_type=org_unit", &qn_token).await.json();
        assert!(own["items"].as_array().expect("items").iter().all(|e| e["entity_id"] == qn["id"]), "{own}");
        app
    })
    .await;
}

#[tokio::test]
async fn search_ignores_diacritics_the_same_way_on_both_backends() {
    let mut per_backend = Vec::new();
    for backend in BACKENDS {
        let app = App::new(backend).await;
        let t = app.token("viewer@demo.amity").await;
        let mut results = Vec::new();
        for q in ["da%20nang", "DA%20NANG", "%C4%91%C3%A0%20n%E1%BA%B5ng"] {
            let r = app
                .get(&format!("/api/v1/search?q={q}&per_page=50"), &t)
                .await
                .json();
            let titles: Vec<String> = r["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|h| h["title"].as_str().unwrap_or_default().to_owned())
                .collect();
            assert!(
                titles.iter().any(|t| t.contains("Đà Nẵng")),
                "{backend:?} {q}: {titles:?}"
            );
            results.push(titles);
        }
        assert_eq!(results[0], results[1]);
        assert_eq!(results[0], results[2]);
        per_backend.push(results.remove(0));
        app.done().await;
    }
    assert_eq!(per_backend[0], per_backend[1]);
}

fn cookie_value(reply: &Reply, name: &str) -> Option<(String, String)> {
    reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(|c| {
            (
                c.split(';')
                    .next()
                    .unwrap_or_default()
                    .trim_start_matches(&format!("{name}="))
                    .to_owned(),
                c.to_owned(),
            )
        })
}

fn form(path: &str, cookies: &str, body: &str) -> Request<Body> {
    Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::COOKIE, cookies)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.to_owned()))
        .expect("request")
}

async fn sign_in(app: &App, email: &str) -> (String, String) {
    let page = app
        .send(Request::get("/login").body(Body::empty()).expect("request"))
        .await;
    let (csrf, _) = cookie_value(&page, "amity_login_csrf").expect("login csrf cookie");
    assert!(page.text().contains(&csrf), "the form carries the token");
    let r = app
        .send(form(
            "/login",
            &format!("amity_login_csrf={csrf}"),
            &format!("email={email}&password=amity-demo&csrf_token={csrf}&next=/"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let (session, raw) = cookie_value(&r, "amity_session").expect("session cookie");
    assert!(
        raw.contains("HttpOnly") && raw.contains("SameSite=Lax"),
        "{raw}"
    );
    let open = |path: String| {
        Request::get(path)
            .header(header::COOKIE, format!("amity_session={session}"))
            .body(Body::empty())
            .expect("request")
    };
    let mut home = app.send(open("/".to_owned())).await;
    if home.status == StatusCode::SEE_OTHER {
        // An applicant's home is their applications.
        let to = home.headers[header::LOCATION]
            .to_str()
            .expect("location")
            .to_owned();
        home = app.send(open(to)).await;
    }
    assert_eq!(home.status, StatusCode::OK);
    let text = home.text();
    let csrf = text
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a CSRF field on the page")
        .to_owned();
    (session, csrf)
}

#[tokio::test]
async fn the_sign_in_page_sets_a_safe_cookie_and_forms_need_their_csrf_token() {
    each_backend(|app| async move {
        let r = app
            .send(form(
                "/login",
                "amity_login_csrf=abc",
                "email=admin@demo.amity&password=amity-demo&csrf_token=wrong",
            ))
            .await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "a forged sign-in is refused"
        );
        let (session, csrf) = sign_in(&app, "quangnam@demo.amity").await;
        let cookie = format!("amity_session={session}");
        let home = app
            .send(
                Request::get("/")
                    .header(header::COOKIE, &cookie)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        assert!(
            home.text().contains("Liên hiệp Quảng Nam"),
            "the page names the user"
        );
        assert!(
            home.text().contains("2023: Cụm phó"),
            "Quảng Nam was Cluster 3's deputy in 2023"
        );
        let admin_t = app.token("admin@demo.amity").await;
        let qn = app.unit_by_code(&admin_t, "49", "2024-01-01").await;
        let path = format!("/org-units/{}/contact", qn["id"]);
        let r = app
            .send(form(
                &path,
                &cookie,
                "phone=1&address=&email=&website=&note=",
            ))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "no CSRF token, no change");
        let r = app
            .send(form(
                &path,
                &cookie,
                &format!("csrf_token={csrf}&phone=0235+3852+000&address=&email=&website=&note="),
            ))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let unit = app
            .get(&format!("/api/v1/org-units/{}", qn["id"]), &admin_t)
            .await
            .json();
        assert_eq!(unit["phone"], "0235 3852 000");
        // Another union's form is refused by the same central check.
        let kh = app.unit_by_code(&admin_t, "56", "2026-01-01").await;
        let r = app
            .send(form(
                &format!("/org-units/{}/contact", kh["id"]),
                &cookie,
                &format!("csrf_token={csrf}&phone=1"),
            ))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // Accounts are for administrators.
        let r = app
            .send(
                Request::get("/admin/users")
                    .header(header::COOKIE, &cookie)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // Sign out ends the session.
        let r = app
            .send(form("/logout", &cookie, &format!("csrf_token={csrf}")))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let r = app
            .send(
                Request::get("/")
                    .header(header::COOKIE, &cookie)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        app
    })
    .await;
}

/// A token request from the client at `address`, as the server would see it connect.
fn token_request(
    email: &str,
    password: &str,
    address: &str,
    forwarded: Option<&str>,
) -> Request<Body> {
    let mut req =
        Request::post("/api/v1/auth/token").header(header::CONTENT_TYPE, "application/json");
    if let Some(f) = forwarded {
        req = req.header("x-forwarded-for", f);
    }
    let mut req = req
        .body(Body::from(
            json!({"email": email, "password": password}).to_string(),
        ))
        .expect("request");
    let peer: std::net::SocketAddr = format!("{address}:40000").parse().expect("address");
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(peer));
    req
}

#[tokio::test]
async fn sign_in_throttling_slows_guessers_without_locking_out_the_user() {
    each_backend(|app| async move {
        let (guesser, user) = ("192.0.2.1", "198.51.100.7");
        // An account guessed at from one address: five failures are free, then it waits, even
        // with the right password, and is told how long.
        for _ in 0..amity_store::throttle::PAIR_FREE {
            let r = app
                .send(token_request(
                    "vufo@demo.amity",
                    "wrong-password",
                    guesser,
                    None,
                ))
                .await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        }
        let r = app
            .send(token_request(
                "vufo@demo.amity",
                "amity-demo",
                guesser,
                None,
            ))
            .await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text());
        // Kept in the database: a restarted server (a new router on the same data) still waits.
        let restarted = router(AppState::new(app.db.db.clone(), WebConfig::default()));
        let again = restarted
            .clone()
            .oneshot(token_request(
                "vufo@demo.amity",
                "amity-demo",
                guesser,
                None,
            ))
            .await
            .expect("response");
        assert_eq!(again.status(), StatusCode::TOO_MANY_REQUESTS);
        let wait: i64 = r
            .headers
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .expect("Retry-After");
        assert!((1..=900).contains(&wait), "{wait}");
        // A forwarded address is not believed from a client that is not the configured proxy.
        let r = app
            .send(token_request(
                "vufo@demo.amity",
                "amity-demo",
                guesser,
                Some("203.0.113.9"),
            ))
            .await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        // The sign-in page says it in the reader's words.
        let login = app
            .send(Request::get("/login").body(Body::empty()).expect("request"))
            .await;
        let (csrf, _) = cookie_value(&login, "amity_login_csrf").expect("login csrf cookie");
        let mut req = form(
            "/login",
            &format!("amity_login_csrf={csrf}"),
            &format!("email=vufo@demo.amity&password=amity-demo&csrf_token={csrf}"),
        );
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
                [192, 0, 2, 1],
                40001,
            ))));
        let page = app.send(req).await;
        assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(
            page.text()
                .contains("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau")
                && page.headers.contains_key(header::RETRY_AFTER),
            "{}",
            page.text()
        );

        // The real user, elsewhere, still gets in; and succeeding never counts against anyone.
        for _ in 0..8 {
            let r = app
                .send(token_request("vufo@demo.amity", "amity-demo", user, None))
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        }
        // Rotating accounts from one address: after the address's free failures it waits too.
        let rotator = "192.0.2.77";
        let mut statuses = Vec::new();
        for i in 0..=amity_store::throttle::ADDRESS_FREE {
            statuses.push(
                app.send(token_request(
                    &format!("no-one-{i}@example.org"),
                    "wrong-password",
                    rotator,
                    None,
                ))
                .await
                .status,
            );
        }
        assert!(
            statuses[..usize::try_from(amity_store::throttle::ADDRESS_FREE).expect("small")]
                .iter()
                .all(|s| *s == StatusCode::UNAUTHORIZED),
            "{statuses:?}"
        );
        assert_eq!(
            statuses.last(),
            Some(&StatusCode::TOO_MANY_REQUESTS),
            "{statuses:?}"
        );

        // Behind a configured proxy, the address it forwards is the client's.
        let proxied = router(AppState::new(
            app.db.db.clone(),
            WebConfig {
                trusted_proxy: Some(guesser.parse().expect("ip")),
                ..WebConfig::default()
            },
        ));
        let r = proxied
            .oneshot(token_request(
                "vufo@demo.amity",
                "amity-demo",
                guesser,
                Some("203.0.113.50"),
            ))
            .await
            .expect("response");
        assert_eq!(
            r.status(),
            StatusCode::CREATED,
            "another client behind the proxy"
        );

        // Sign-ins and refusals are in the audit trail, for administrators only.
        let admin = app.token("admin@demo.amity").await;
        let entries = app
            .get("/api/v1/audit?entity_type=sign_in&per_page=100", &admin)
            .await
            .json();
        let actions: Vec<&str> = entries["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter_map(|e| e["action"].as_str())
            .collect();
        assert!(
            actions.contains(&"sign_in") && actions.contains(&"sign_in_refused"),
            "{actions:?}"
        );
        let refused = entries["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|e| e["action"] == "sign_in_refused")
            .expect("refused");
        assert!(
            refused["changes"]["client_address"]["after"].is_string(),
            "{refused}"
        );
        assert!(
            !entries.to_string().contains("wrong-password"),
            "no password is kept"
        );
        let viewer = app.token("viewer@demo.amity").await;
        assert_eq!(
            app.get("/api/v1/audit?entity_type=sign_in", &viewer)
                .await
                .json()["total"],
            json!(0)
        );
        app
    })
    .await;
}

#[tokio::test]
async fn a_password_change_with_wrong_current_passwords_is_throttled() {
    let app = App::new(Backend::Sqlite).await;
    let kh = app.token("khanhhoa@demo.amity").await;
    let (session, csrf) = sign_in(&app, "khanhhoa@demo.amity").await;
    let change =
        json!({"current_password": "not-my-password", "new_password": "mot-mat-khau-moi-dai"});
    for _ in 0..amity_store::throttle::PAIR_FREE {
        let r = app
            .call(
                Method::POST,
                "/api/v1/me/password",
                Some(&kh),
                Some(change.clone()),
            )
            .await;
        assert_eq!(
            (r.status, r.error_field()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                "current_password".to_owned()
            )
        );
    }
    let right = json!({"current_password": "amity-demo", "new_password": "mot-mat-khau-moi-dai"});
    let r = app
        .call(Method::POST, "/api/v1/me/password", Some(&kh), Some(right))
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text());
    assert!(r.headers.contains_key(header::RETRY_AFTER));
    // The page says it in the reader's language, beside the field.
    let page = app
        .send(form("/account/password", &format!("amity_session={session}"), &format!("csrf_token={csrf}&current_password=amity-demo&new_password=mot-mat-khau-moi-dai&repeat_password=mot-mat-khau-moi-dai")))
        .await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        page.text().contains("Đăng nhập sai quá nhiều lần"),
        "{}",
        page.text()
    );
    app.done().await;
}

#[tokio::test]
async fn every_page_renders_for_an_administrator_in_both_languages() {
    let app = App::new(Backend::Sqlite).await;
    let (session, _) = sign_in(&app, "admin@demo.amity").await;
    let t = app.token("admin@demo.amity").await;
    let da_nang = app.unit_by_code(&t, "48", "2025-07-01").await;
    let cluster = app.unit_by_code(&t, "CUM-3", "2023-06-01").await;
    let users = app.get("/api/v1/users", &t).await.json();
    let mpla = app.get("/api/v1/partners?q=mpla", &t).await.json()["items"][0]["id"]
        .as_i64()
        .expect("the demo's MPLA");
    let lao_front = app.get("/api/v1/partners?country=LA", &t).await.json()["items"][0]["id"]
        .as_i64()
        .expect("the demo's Lao Front");
    let lao_agreement = app.get("/api/v1/agreements", &t).await.json()["items"][0]["id"]
        .as_i64()
        .expect("the demo's agreement");
    let jvpf_visit = app.get("/api/v1/delegations?q=jvpf", &t).await.json()["items"][0]["id"]
        .as_i64()
        .expect("the demo's JVPF visit");
    let ship = app.get("/api/v1/events?q=kang+gam+chan", &t).await.json()["items"][0]["id"]
        .as_i64()
        .expect("the demo's ship visit");
    let person = app
        .call(
            Method::POST,
            "/api/v1/people",
            Some(&t),
            Some(json!({"name": "João Lourenço", "honorific": "Ngài", "gender": "male", "nationality": "AO"})),
        )
        .await
        .json();
    let positions = format!("/api/v1/people/{}/positions", person["id"]);
    app.call(
        Method::POST,
        &positions,
        Some(&t),
        Some(json!({"title": "Chủ tịch", "partner_id": mpla, "valid_from": "2017-09-08"})),
    )
    .await;
    let pages = [
        "/".to_owned(),
        "/org-units".to_owned(),
        "/org-units?as_of=2024-06-30".to_owned(),
        format!("/org-units/{}", da_nang["id"]),
        format!("/org-units/{}?year=2023", cluster["id"]),
        format!("/org-units/{}/edit", da_nang["id"]),
        "/org-units/new".to_owned(),
        "/structure/merge".to_owned(),
        "/structure/split".to_owned(),
        "/audit".to_owned(),
        "/search?q=da+nang".to_owned(),
        "/admin/users".to_owned(),
        "/admin/users/new".to_owned(),
        "/account".to_owned(),
        "/countries".to_owned(),
        "/countries?q=lao&level=special_relationship&sort=relations_date".to_owned(),
        "/countries/CN".to_owned(),
        "/countries/AT".to_owned(),
        "/anniversaries".to_owned(),
        "/anniversaries?year=2025".to_owned(),
        "/partners".to_owned(),
        "/partners?q=dang&kind=political_party".to_owned(),
        "/partners/new".to_owned(),
        format!("/partners/{mpla}"),
        format!("/partners/{mpla}/edit"),
        format!("/partners/{lao_front}"),
        "/people".to_owned(),
        "/people/new".to_owned(),
        "/people?q=joao".to_owned(),
        format!("/people/{}", person["id"]),
        format!("/people/{}/edit", person["id"]),
        format!("/partners/{lao_front}?year=2024"),
        "/agreements".to_owned(),
        "/agreements?status=in_force".to_owned(),
        format!("/agreements/{lao_agreement}"),
        format!("/agreements/{lao_agreement}/edit"),
        format!("/admin/users/{}", users["items"][0]["id"]),
        "/delegations".to_owned(),
        "/delegations?direction=inbound&state=reported&year=2025&country=VN&q=jvpf".to_owned(),
        "/delegations?year=abc".to_owned(),
        "/delegations?sort=title&unit=1".to_owned(),
        "/delegations?sort=budget".to_owned(),
        "/events?sort=-participants&unit=1&year=2025".to_owned(),
        "/delegations/new".to_owned(),
        format!("/delegations/{jvpf_visit}"),
        format!("/delegations/{jvpf_visit}/edit"),
        "/events".to_owned(),
        "/events?type=contest&year=2023".to_owned(),
        "/events/new".to_owned(),
        format!("/events/{ship}"),
        format!("/events/{ship}/edit"),
        "/calendar".to_owned(),
        "/calendar?month=2025-05".to_owned(),
        "/reports".to_owned(),
        "/dashboard".to_owned(),
        "/dashboard?year=2023".to_owned(),
        "/dashboard?year=2025".to_owned(),
        format!(
            "/reports?unit={}&period=2025-Q2&structure=current",
            da_nang["id"]
        ),
        "/reports?period=2025-Q9".to_owned(),
        "/reports/periodic".to_owned(),
        "/reports/periodic?form=BC-QUY&year=2023&state=draft&period=2025-Q2".to_owned(),
        "/report-forms".to_owned(),
        "/ngos".to_owned(),
        "/aid".to_owned(),
        "/applications".to_owned(),
        "/applications/1".to_owned(),
        "/aid?year=2025".to_owned(),
        "/aid/projects/new".to_owned(),
        "/aid/import".to_owned(),
        "/ngos?q=hoi&attention=1&sector=11220".to_owned(),
        "/agreements?status=expired&in_force_on=31%2F12%2F2023".to_owned(),
        "/report-forms/BC-NAM".to_owned(),
        "/plans".to_owned(),
        "/plans?year=2022".to_owned(),
        format!(
            "/plans/{}",
            app.get("/api/v1/work-plans", &t).await.json()["items"][0]["id"]
        ),
        "/emulation".to_owned(),
        format!("/emulation?cluster={}&year=2023", cluster["id"]),
        "/awards".to_owned(),
        "/awards?year=2024&type=medal&state=approved".to_owned(),
        "/reports/periodic?form=BC-NAM&period=2025-Q2".to_owned(),
        "/reports/1".to_owned(),
    ];
    for lang in ["vi", "en"] {
        for page in &pages {
            let r = app
                .send(
                    Request::get(page.as_str())
                        .header(
                            header::COOKIE,
                            format!("amity_session={session}; amity_lang={lang}"),
                        )
                        .body(Body::empty())
                        .expect("request"),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{page} ({lang}): {}", r.text());
            let text = r.text();
            assert!(text.contains(&format!("<html lang=\"{lang}\">")), "{page}");
            for prefix in [
                ">kind-", ">role-", ">nav-", ">field-", ">change-", ">error-", ">vocab-",
                ">level-", ">action-", ">form-", ">forms-",
            ] {
                assert!(
                    !text.contains(prefix),
                    "{page} ({lang}) shows an untranslated key {prefix}"
                );
            }
        }
    }
    let tree = app
        .send(
            Request::get("/org-units?as_of=2024-06-30")
                .header(header::COOKIE, format!("amity_session={session}"))
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .text();
    assert!(
        tree.contains(">Quảng Bình<") && tree.contains("Cụm Liên hiệp"),
        "the tree shows short names"
    );
    let unit = app
        .send(
            Request::get(format!("/org-units/{}", da_nang["id"]))
                .header(header::COOKIE, format!("amity_session={session}"))
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .text();
    assert!(
        unit.contains("Hợp nhất") && unit.contains("tỉnh Quảng Nam"),
        "the lineage shows on the unit page"
    );
    let r = app
        .send(
            Request::get("/no-such-page")
                .header(header::COOKIE, format!("amity_session={session}"))
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.text().contains("<html"), "UI errors are pages");
    app.done().await;
}

/// The text a person sees on a page: no tags, scripts or styles, entities read.
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        out.push(' ');
        let tag = &rest[start..];
        let skip_to = ["<script", "<style", "<datalist"]
            .iter()
            .find(|t| tag.starts_with(**t))
            .map(|t| format!("</{}>", &t[1..]));
        let end = match skip_to {
            Some(close) => tag.find(&close).map(|i| i + close.len()),
            None => tag.find('>').map(|i| i + 1),
        };
        rest = &tag[end.unwrap_or(tag.len())..];
    }
    out.push_str(rest);
    out.replace("&amp;", "&")
        .replace("&#38;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
}

/// Same-site page links of a piece of HTML (no API, downloads, sign-out or language switch).
fn page_links(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(|h| h.replace("&amp;", "&").replace("&#38;", "&"))
        .filter(|h| {
            h.starts_with('/')
                && !h.starts_with("/api/")
                && !h.starts_with("/lang/")
                && !h.starts_with("/static/")
        })
        .filter(|h| !h.contains("export") && !h.contains(".ics") && !h.contains("/files/"))
        .collect()
}

#[tokio::test]
async fn every_page_of_every_demo_role_reads_in_the_readers_words() {
    let app = App::living(Backend::Sqlite).await;
    // Every message key the pages may word: one shown as it is was never translated.
    let keys: std::collections::BTreeSet<String> = include_str!("../locales/en/main.ftl")
        .lines()
        .filter_map(|l| l.split_once(" = ").map(|(k, _)| k.trim().to_owned()))
        .filter(|k| k.contains('-'))
        .collect();
    // English that never belongs in a Vietnamese page's own words.
    let english = [
        " not found",
        " is required",
        " must be",
        " must not",
        "cannot be",
        "expected one of",
        "unknown ",
        "Invalid",
        "internal error",
        " did not exist",
        " already has",
        "Draft",
        "Submitted",
        "Approved",
        "Rejected",
        "Cancelled",
        "South-eastern Asia",
        "Eastern Asia",
        "Western Europe",
        " Asia ",
        "Northern America",
    ];
    let mut problems = Vec::new();
    for email in [
        "admin@demo.amity",
        "vufo@demo.amity",
        "khanhhoa@demo.amity",
        "head.khanhhoa@demo.amity",
        "quangnam@demo.amity",
        "vietlao@demo.amity",
        "viewer@demo.amity",
        "ngo@demo.amity",
    ] {
        let (session, _) = sign_in(&app, email).await;
        let fetch = |path: String, lang: &'static str| {
            let session = session.clone();
            let app = &app;
            async move {
                let r = app
                    .send(
                        Request::get(path.as_str())
                            .header(
                                header::COOKIE,
                                format!("amity_session={session}; amity_lang={lang}"),
                            )
                            .body(Body::empty())
                            .expect("request"),
                    )
                    .await;
                (r.status, r.text())
            }
        };
        // The menu, what the home page links to, and the first record each menu page lists.
        let start = if email.starts_with("ngo@") {
            "/applications"
        } else {
            "/"
        };
        let (_, home) = fetch(start.to_owned(), "vi").await;
        let mut pages: Vec<String> = vec![start.to_owned()];
        if start == "/" {
            pages.extend([
                "/search?q=lao".to_owned(),
                "/search?q=demo".to_owned(),
                "/countries/LA".to_owned(),
            ]);
        }
        for link in page_links(&home) {
            if !pages.contains(&link) {
                pages.push(link);
            }
        }
        let menu = pages.clone();
        for page in &menu {
            let (_, html) = fetch(page.clone(), "vi").await;
            let main = html.split("<main").nth(1).unwrap_or_default();
            if let Some(record) = page_links(main).into_iter().find(|l| {
                let parts: Vec<&str> = l.trim_start_matches('/').split('/').collect();
                parts.len() == 2
                    && parts[1].chars().all(|c| c.is_ascii_digit())
                    && !parts[1].is_empty()
            }) && !pages.contains(&record)
            {
                pages.push(record);
            }
        }
        assert!(pages.len() >= 2, "{email}: {pages:?}");
        for lang in ["vi", "en"] {
            for page in &pages {
                let (status, html) = fetch(page.clone(), lang).await;
                if status == StatusCode::SEE_OTHER && page == "/" {
                    continue; // an applicant's home is their applications
                }
                if status != StatusCode::OK {
                    problems.push(format!("{email} {lang} {page}: {status}"));
                    continue;
                }
                let text = visible_text(&html);
                for word in text.split(|c: char| {
                    c.is_whitespace()
                        || matches!(c, '(' | ')' | ',' | ':' | ';' | '·' | '“' | '”' | '"' | '.')
                }) {
                    let is_code = word.len() > 3
                        && word.contains('_')
                        && word
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit())
                        && !word.starts_with('_');
                    if is_code || keys.contains(word) {
                        problems.push(format!("{email} {lang} {page}: shows the code “{word}”"));
                    }
                }
                if lang == "vi" {
                    for phrase in english {
                        if text.contains(phrase) {
                            problems.push(format!(
                                "{email} vi {page}: shows English “{}”",
                                phrase.trim()
                            ));
                        }
                    }
                }
            }
        }
    }
    problems.sort();
    problems.dedup();
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    app.done().await;
}

#[tokio::test]
async fn the_living_demo_gives_khanh_hoa_figures_this_year_and_last() {
    for backend in BACKENDS {
        let app = App::living(backend).await;
        let kh = app.token("khanhhoa@demo.amity").await;
        let this_year = chrono::Datelike::year(&chrono::Utc::now().date_naive());
        let unit = app
            .unit_by_code(&kh, "56", &format!("{this_year}-01-01"))
            .await["id"]
            .clone();
        for year in [this_year - 1, this_year] {
            // The dashboard's figures are the summary's.
            let s = app
                .get(
                    &format!("/api/v1/reports/summary?unit={unit}&period={year}&structure=current"),
                    &kh,
                )
                .await
                .json();
            let value = |code: &str| {
                s["indicators"]
                    .as_array()
                    .expect("indicators")
                    .iter()
                    .find(|v| v["code"] == code)
                    .and_then(|v| v["subtree"].as_f64())
                    .unwrap_or_default()
            };
            assert!(
                value("events") > 0.0 && value("delegations_in") > 0.0,
                "{backend:?} {year}: {s}"
            );
            let page = app
                .get(&format!("/dashboard?year={year}"), &kh)
                .await
                .text();
            assert!(
                page.contains("Số sự kiện") || page.contains("sự kiện"),
                "{backend:?} {year}: the dashboard shows its figures"
            );
            // Money came in each year.
            let aid = app
                .get(&format!("/api/v1/aid/dashboard?year={year}"), &kh)
                .await
                .json();
            assert_ne!(
                aid["disbursed"]["vnd"],
                json!("0"),
                "{backend:?} {year}: {aid}"
            );
            let page = app.get(&format!("/aid?year={year}"), &kh).await.text();
            assert!(
                page.contains("KH-HOCBONG-2024"),
                "{backend:?} {year}: the aid page lists the project with money that year"
            );
            // The calendar of April holds the Lao New Year exchange.
            let calendar = app
                .get(&format!("/calendar?month={year}-04"), &kh)
                .await
                .text();
            assert!(
                calendar.contains("Bun-pi-mai"),
                "{backend:?} {year}: the calendar shows the month's events"
            );
        }
        // Home: what was returned, what waits for a decision, what is overdue.
        let home = app.get("/", &kh).await.text();
        assert!(
            home.contains("thăm, làm việc tại Campuchia")
                && home.contains("Báo cáo tổng kết công tác năm"),
            "{backend:?}: {home}"
        );
        let head = app.token("head.khanhhoa@demo.amity").await;
        let home = app.get("/", &head).await.text();
        assert!(
            home.contains("Tổng Lãnh sự quán Nga"),
            "{backend:?}: the head sees the visit waiting for their decision"
        );
        app.done().await;
    }
}

#[tokio::test]
async fn a_bad_address_gets_a_page_in_the_readers_language() {
    let app = App::new(Backend::Sqlite).await;
    let kh = app.token("khanhhoa@demo.amity").await;
    for path in ["/events/abc", "/delegations/12x", "/reports/-"] {
        let r = app.get(path, &kh).await;
        let page = r.text();
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            page.contains("<html lang=\"vi\">") && page.contains("Trang bạn tìm không tồn tại"),
            "{path}: {page}"
        );
        assert!(
            !page.contains("Cannot parse") && !page.contains("Invalid URL"),
            "{path}: no developer text"
        );
    }
    app.done().await;
}

#[tokio::test]
async fn a_list_downloaded_from_the_pages_is_in_words_and_through_the_api_in_codes() {
    let app = App::new(Backend::Sqlite).await;
    let token = app.token("vufo@demo.amity").await;
    let api = app
        .get("/api/v1/events/export.csv?year=2025", &token)
        .await
        .text();
    assert!(
        api.contains("start_on") && api.contains("friendship_exchange"),
        "the API keeps its codes: {api}"
    );
    let (session, _) = sign_in(&app, "vufo@demo.amity").await;
    let download = |lang: &str| {
        Request::get("/api/v1/events/export.csv?year=2025")
            .header(
                header::COOKIE,
                format!("amity_session={session}; amity_lang={lang}"),
            )
            .body(Body::empty())
            .expect("request")
    };
    let vi = app.send(download("vi")).await.text();
    assert!(
        vi.contains("Từ ngày") && vi.contains("Giao lưu hữu nghị"),
        "{vi}"
    );
    assert!(
        !vi.contains("start_on") && !vi.contains("friendship_exchange"),
        "no code for a person: {vi}"
    );
    let en = app.send(download("en")).await.text();
    assert!(
        en.contains("From") && en.contains("Friendship exchange"),
        "{en}"
    );
    app.done().await;
}

#[tokio::test]
async fn the_dashboard_and_calendar_open_on_the_latest_period_with_something_to_show() {
    let app = App::new(Backend::Sqlite).await;
    // Among the articles' facts nothing of Khánh Hòa's scope is recent: the pages open on the
    // month and year of the latest record it sees.
    let kh = app.token("khanhhoa@demo.amity").await;
    let mut latest = String::new();
    for list in ["delegations", "events"] {
        let page = app
            .get(&format!("/api/v1/{list}?sort=-start_on&per_page=1"), &kh)
            .await
            .json();
        latest = latest.max(
            page["items"][0]["start_on"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        );
    }
    let (year, month) = (&latest[..4], latest[5..7].trim_start_matches('0'));
    assert!(year < "2026", "the facts hold nothing recent: {latest}");
    let calendar = app.get("/calendar", &kh).await.text();
    assert!(
        calendar.contains(&format!("Tháng {month} {year}</h1>")),
        "{latest}: {calendar}"
    );
    let dashboard = app.get("/dashboard", &kh).await.text();
    assert!(
        dashboard.contains(&format!("Tổng quan {year}</h1>")),
        "{latest}: {dashboard}"
    );
    // The aid page likewise opens on the latest year with money: among the facts, 2025's
    // JVPF scholarships.
    let vufo = app.token("vufo@demo.amity").await;
    let aid = app.get("/aid", &vufo).await.text();
    assert!(aid.contains("JVPF-BG-2025"), "{aid}");
    // Asked for, a month or year is shown as asked.
    let asked = app.get("/calendar?month=2026-02", &kh).await.text();
    assert!(asked.contains("Tháng 2 2026"), "{asked}");
    app.done().await;
}

#[tokio::test]
async fn the_english_interface_names_partners_in_latin_letters() {
    let app = App::new(Backend::Sqlite).await;
    let (session, _) = sign_in(&app, "vufo@demo.amity").await;
    let page = |lang: &str| {
        Request::get("/partners?q=ANC")
            .header(
                header::COOKIE,
                format!("amity_session={session}; amity_lang={lang}"),
            )
            .body(Body::empty())
            .expect("request")
    };
    let en = app.send(page("en")).await.text();
    assert!(en.contains("African National Congress"), "{en}");
    let vi = app.send(page("vi")).await.text();
    assert!(vi.contains("Đảng Đại hội Dân tộc Phi"), "{vi}");
    app.done().await;
}

#[tokio::test]
async fn a_cluster_lead_reads_its_members_records_of_the_years_it_led_only() {
    each_backend(|app| async move {
        // Khánh Hòa led Cluster 3 in 2023; Quảng Nam was a member until the 2025 merger.
        let qn = app.token("quangnam@demo.amity").await;
        let kh = app.token("khanhhoa@demo.amity").await;
        let mut ids = Vec::new();
        for year in [2023, 2024] {
            let body = json!({
                "direction": "outbound", "title": format!("Đoàn Quảng Nam thăm Lào {year}"),
                "start_on": format!("{year}-05-10"), "end_on": format!("{year}-05-14"),
                "members": [{"name": "Lê Văn Hải", "role": "head"}],
                "legs": [{"country": "LA", "from_on": format!("{year}-05-10"), "to_on": format!("{year}-05-14")}]
            });
            let r = app.call(Method::POST, "/api/v1/delegations", Some(&qn), Some(body)).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
            ids.push(r.json()["id"].as_i64().expect("id"));
        }
        let led = app.get(&format!("/api/v1/delegations/{}", ids[0]), &kh).await;
        assert_eq!(led.status, StatusCode::OK, "the year it led");
        let after = app.get(&format!("/api/v1/delegations/{}", ids[1]), &kh).await;
        assert_eq!(after.status, StatusCode::NOT_FOUND, "a year it did not lead: {}", after.text());
        let page = app.get(&format!("/delegations/{}", ids[1]), &kh).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        let listed = app.get("/api/v1/delegations?q=Qu%E1%BA%A3ng%20Nam%20th%C4%83m&per_page=50", &kh).await.json();
        let titles: Vec<&str> = listed["items"].as_array().expect("items").iter().filter_map(|d| d["title"].as_str()).collect();
        assert!(titles.contains(&"Đoàn Quảng Nam thăm Lào 2023") && !titles.contains(&"Đoàn Quảng Nam thăm Lào 2024"), "{titles:?}");
        // Quảng Nam's own staff read both; so does central staff.
        assert_eq!(app.get(&format!("/api/v1/delegations/{}", ids[1]), &qn).await.status, StatusCode::OK);
        app
    })
    .await;
}

#[tokio::test]
async fn the_audit_trail_shows_an_entry_only_to_those_who_may_read_its_record() {
    each_backend(|app| async move {
        let vufo = app.token("vufo@demo.amity").await;
        let viewer = app.token("viewer@demo.amity").await;
        let listed = app.get("/api/v1/applications", &vufo).await.json();
        let id = listed["items"][0]["id"]
            .as_i64()
            .expect("an application among the facts");
        let r = app
            .call(
                Method::POST,
                &format!("/api/v1/applications/{id}/notes"),
                Some(&vufo),
                Some(json!({"note": "Ghi chú nội bộ: hồ sơ thiếu chữ ký"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        for kind in ["ngo_application_note", "ngo_application"] {
            let office = app
                .get(&format!("/api/v1/audit?entity_type={kind}"), &vufo)
                .await
                .json();
            assert!(
                office["total"].as_i64().unwrap_or(0) > 0,
                "the office reads its own: {office}"
            );
            let seen = app
                .get(&format!("/api/v1/audit?entity_type={kind}"), &viewer)
                .await;
            assert_eq!(seen.json()["total"], json!(0), "{kind}: {}", seen.text());
        }
        let page = app.get("/audit", &viewer).await.text();
        assert!(
            !page.contains("hồ sơ thiếu chữ ký"),
            "the note stays internal"
        );
        let page = app.get("/audit", &vufo).await.text();
        assert!(page.contains("hồ sơ thiếu chữ ký"), "{page}");
        app
    })
    .await;
}

#[tokio::test]
async fn a_unit_closed_by_the_merger_takes_no_record_dated_after_it_closed() {
    each_backend(|app| async move {
        let kh = app.token("khanhhoa@demo.amity").await;
        let old = app.unit_by_code(&kh, "56", "2024-06-30").await;
        let event = |on: &str| json!({"type": "friendship_exchange", "channel": "in_person", "title": "Giao lưu",
            "start_on": on, "end_on": on, "place_country": "VN", "participants": 10, "foreign_participants": 2,
            "owner_unit_id": old["id"]});
        let r = app.call(Method::POST, "/api/v1/events", Some(&kh), Some(event("2025-08-01"))).await;
        assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, "start_on".to_owned()), "{}", r.text());
        assert!(r.text().contains("30/06/2025"), "the closing date is named: {}", r.text());
        let r = app.call(Method::POST, "/api/v1/events", Some(&kh), Some(event("2025-06-15"))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let id = r.json()["id"].clone();
        let r = app.call(Method::PATCH, &format!("/api/v1/events/{id}"), Some(&kh), Some(json!({"start_on": "2025-07-02", "end_on": "2025-07-02"}))).await;
        assert_eq!(r.error_field(), "start_on", "nor moved past it: {}", r.text());
        app
    })
    .await;
}

#[tokio::test]
async fn the_federations_root_is_neither_closed_nor_merged_away() {
    each_backend(|app| async move {
        let admin = app.token("admin@demo.amity").await;
        let vufo = app.unit_by_code(&admin, "VUFO", "2026-01-01").await;
        let audits = app.audit_total(&admin).await;
        let r = app
            .call(
                Method::POST,
                &format!("/api/v1/org-units/{}/close", vufo["id"]),
                Some(&admin),
                Some(json!({"date": "2026-12-01"})),
            )
            .await;
        assert_eq!(
            (r.status, r.error_field()),
            (StatusCode::CONFLICT, "id".to_owned()),
            "{}",
            r.text()
        );
        let ha_tinh = app.unit_by_code(&admin, "42", "2026-01-01").await;
        let r = app
            .call(
                Method::POST,
                "/api/v1/org-units/merge",
                Some(&admin),
                Some(json!({"from": [vufo["id"]], "into": ha_tinh["id"], "date": "2026-12-01"})),
            )
            .await;
        assert_eq!(
            (r.status, r.error_field()),
            (StatusCode::CONFLICT, "from".to_owned()),
            "{}",
            r.text()
        );
        assert_eq!(app.audit_total(&admin).await, audits, "nothing changed");
        app
    })
    .await;
}

#[tokio::test]
async fn administrators_restructure_through_the_forms() {
    let app = App::new(Backend::Sqlite).await;
    let (session, csrf) = sign_in(&app, "admin@demo.amity").await;
    let cookie = format!("amity_session={session}");
    let t = app.token("admin@demo.amity").await;
    let vufo = app.unit_by_code(&t, "VUFO", "2026-01-01").await;
    let r = app
        .send(form(
            "/org-units/new",
            &cookie,
            &format!(
                "csrf_token={csrf}&kind=other&code=&name=&parent_id={}&valid_from=01%2F01%2F2026",
                vufo["id"]
            ),
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text().contains("field-error"),
        "the error shows next to the field"
    );
    for (code, name) in [("T-A", "Ban A"), ("T-B", "Ban B")] {
        let r = app
            .send(form(
                "/org-units/new",
                &cookie,
                &format!("csrf_token={csrf}&kind=other&code={code}&name={name}&parent_id={}&valid_from=01%2F01%2F2026", vufo["id"]),
            ))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    }
    let a = app.unit_by_code(&t, "T-A", "2026-06-01").await;
    let b = app.unit_by_code(&t, "T-B", "2026-06-01").await;
    let r = app
        .send(form(
            "/structure/merge",
            &cookie,
            &format!(
                "csrf_token={csrf}&from={}&from={}&into=new&new_kind=other&new_code=T-AB&new_name=Ban+AB&date=01%2F09%2F2026",
                a["id"], b["id"]
            ),
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let ab = app.unit_by_code(&t, "T-AB", "2026-09-01").await;
    assert_eq!(
        ab["parent_id"], vufo["id"],
        "the new unit takes the sources' place"
    );
    let lineage = app
        .get(&format!("/api/v1/org-units/{}/lineage", ab["id"]), &t)
        .await
        .json();
    assert_eq!(
        lineage["items"][0]["links"].as_array().map(Vec::len),
        Some(2)
    );
    app.done().await;
}

#[tokio::test]
async fn units_filter_by_name_and_export_as_csv() {
    each_backend(|app| async move {
        let t = app.token("viewer@demo.amity").await;
        let r = app
            .get(
                "/api/v1/org-units?q=quang&as_of=2024-06-30&kind=province_union",
                &t,
            )
            .await
            .json();
        let names: Vec<String> = r["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|u| u["short_name"].as_str().unwrap_or_default().to_owned())
            .collect();
        assert_eq!(
            names,
            vec![
                "Quảng Bình",
                "Quảng Nam",
                "Quảng Ngãi",
                "Quảng Ninh",
                "Quảng Trị",
                "Tuyên Quang"
            ],
            "{:?}: words match by prefix",
            app.backend
        );
        assert_eq!(r["total"], 6);
        let r = app
            .get("/api/v1/org-units?q=%C4%91%E1%BA%AFk&as_of=2024-06-30", &t)
            .await
            .json();
        assert_eq!(r["total"], 2, "Đắk Lắk and Đắk Nông: {r}");
        let csv = app
            .get(
                "/api/v1/org-units/export.csv?as_of=2025-07-01&kind=province_union",
                &t,
            )
            .await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(
            csv.headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap_or_default()
                .starts_with("text/csv")
        );
        assert_eq!(
            &csv.body[..3],
            &[0xEF, 0xBB, 0xBF],
            "a BOM, so spreadsheets read Vietnamese"
        );
        let text = csv.text();
        let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(
            lines[0],
            "id,code,name,short_name,name_en,kind,parent_id,parent,valid_from,valid_to"
        );
        assert_eq!(lines.len(), 35, "a header and 34 unions");
        assert!(
            lines
                .iter()
                .any(|l| l.contains(",Đà Nẵng,") && l.contains("01/07/2025")),
            "{text}"
        );
        app
    })
    .await;
}

#[tokio::test]
async fn cluster_leads_are_set_per_year_among_that_years_members() {
    each_backend(|app| async move {
        let admin = app.token("admin@demo.amity").await;
        let cluster = app.unit_by_code(&admin, "CUM-3", "2026-01-01").await;
        let members = app
            .get(
                &format!("/api/v1/org-units/{}/cluster?year=2026", cluster["id"]),
                &admin,
            )
            .await
            .json();
        assert_eq!(
            members["members"].as_array().map(Vec::len),
            Some(7),
            "{:?}: the seven unions after the merger: {members}",
            app.backend
        );
        let ha_noi = app.unit_by_code(&admin, "01", "2026-01-01").await;
        let path = format!("/api/v1/org-units/{}/cluster/2026", cluster["id"]);
        let r = app
            .call(
                Method::PUT,
                &path,
                Some(&admin),
                Some(json!({"lead": ha_noi["id"]})),
            )
            .await;
        assert_eq!(
            (r.status, r.error_field()),
            (StatusCode::UNPROCESSABLE_ENTITY, "lead".to_owned()),
            "Hà Nội is not a member"
        );
        let lead = members["members"][0]["id"].clone();
        let deputy = members["members"][1]["id"].clone();
        let khanhhoa = app.token("khanhhoa@demo.amity").await;
        let r = app
            .call(
                Method::PUT,
                &path,
                Some(&khanhhoa),
                Some(json!({"lead": lead, "deputy": deputy})),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "leads are chosen by administrators"
        );
        let r = app
            .call(
                Method::PUT,
                &path,
                Some(&admin),
                Some(json!({"lead": lead, "deputy": deputy})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["lead"]["id"], lead);
        let audit = app
            .get(
                &format!(
                    "/api/v1/audit?entity_type=org_unit&entity_id={}",
                    cluster["id"]
                ),
                &admin,
            )
            .await
            .json();
        assert_eq!(audit["items"][0]["action"], "set_cluster_roles");
        assert_eq!(audit["items"][0]["changes"]["lead"]["after"], lead);
        app
    })
    .await;
}

#[tokio::test]
async fn the_cluster_form_sets_the_years_lead() {
    let app = App::new(Backend::Sqlite).await;
    let (session, csrf) = sign_in(&app, "admin@demo.amity").await;
    let cookie = format!("amity_session={session}");
    let t = app.token("admin@demo.amity").await;
    let cluster = app.unit_by_code(&t, "CUM-3", "2024-01-01").await;
    let members = app
        .get(
            &format!("/api/v1/org-units/{}/cluster?year=2024", cluster["id"]),
            &t,
        )
        .await
        .json();
    let lead = members["members"][3]["id"].as_i64().expect("a member");
    let r = app
        .send(form(
            &format!("/org-units/{}/cluster-roles", cluster["id"]),
            &cookie,
            &format!("csrf_token={csrf}&year=2024&lead={lead}&deputy="),
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let year = app
        .get(
            &format!("/api/v1/org-units/{}/cluster?year=2024", cluster["id"]),
            &t,
        )
        .await
        .json();
    assert_eq!(year["lead"]["id"], lead);
    assert!(year["deputy"].is_null());
    app.done().await;
}

#[tokio::test]
async fn api_shapes_stay_stable() {
    let app = App::new(Backend::Sqlite).await;
    let t = app.token("viewer@demo.amity").await;
    let unit = app.unit_by_code(&t, "48", "2025-07-01").await;
    insta::assert_json_snapshot!("da_nang_2025", unit);
    let admin = app.token("admin@demo.amity").await;
    let r = app
        .call(
            Method::POST,
            "/api/v1/org-units",
            Some(&admin),
            Some(json!({"kind": "province", "name": " ", "code": "a b"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    insta::assert_json_snapshot!("invalid_unit_errors", r.json());
    app.done().await;
}

#[tokio::test]
async fn every_collection_sorts_and_refuses_unknown_sort_fields() {
    each_backend(|app| async move {
        let admin = app.token("admin@demo.amity").await;
        let emails = |v: &Value| {
            v["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|u| u["email"].as_str().unwrap_or_default().to_owned())
                .collect::<Vec<_>>()
        };
        let by_email = emails(&app.get("/api/v1/users?sort=email", &admin).await.json());
        let mut sorted = by_email.clone();
        sorted.sort();
        assert_eq!(by_email, sorted, "{:?}", app.backend);
        let desc = emails(&app.get("/api/v1/users?sort=-email", &admin).await.json());
        assert_eq!(desc, sorted.iter().rev().cloned().collect::<Vec<_>>());
        let names: Vec<String> = app.get("/api/v1/users", &admin).await.json()["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|u| u["display_name"].as_str().unwrap_or_default().to_owned())
            .collect();
        let mut vi = names.clone();
        vi.sort_by(|a, b| amity_domain::text::compare(a, b));
        assert_eq!(
            names, vi,
            "accounts list by name in Vietnamese order by default"
        );
        let oldest = app
            .get("/api/v1/audit?sort=at&per_page=1", &admin)
            .await
            .json();
        let newest = app.get("/api/v1/audit?per_page=1", &admin).await.json();
        assert!(oldest["items"][0]["id"].as_i64() < newest["items"][0]["id"].as_i64());
        for path in [
            "/api/v1/users?sort=password",
            "/api/v1/audit?sort=actor",
            "/api/v1/org-units?sort=-colour",
        ] {
            let r = app.get(path, &admin).await;
            assert_eq!(
                (r.status, r.error_field()),
                (StatusCode::UNPROCESSABLE_ENTITY, "sort".to_owned()),
                "{path}"
            );
        }
        app
    })
    .await;
}

#[tokio::test]
async fn users_change_their_own_password() {
    each_backend(|app| async move {
        let t = app.token("vietlao@demo.amity").await;
        let change =
            |current: &str, new: &str| json!({"current_password": current, "new_password": new});
        let r = app
            .call(
                Method::POST,
                "/api/v1/me/password",
                Some(&t),
                Some(change("wrong-password", "mat-khau-moi-dai")),
            )
            .await;
        assert_eq!(
            (r.status, r.error_field()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                "current_password".to_owned()
            ),
            "{:?}",
            app.backend
        );
        let r = app
            .call(
                Method::POST,
                "/api/v1/me/password",
                Some(&t),
                Some(change("amity-demo", "short")),
            )
            .await;
        assert_eq!(
            (r.status, r.error_field()),
            (StatusCode::UNPROCESSABLE_ENTITY, "new_password".to_owned())
        );
        let r = app
            .call(
                Method::POST,
                "/api/v1/me/password",
                Some(&t),
                Some(change("amity-demo", "mat-khau-moi-dai")),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        assert_eq!(
            app.get("/api/v1/me", &t).await.status,
            StatusCode::UNAUTHORIZED,
            "the old token ended"
        );
        let old = app
            .call(
                Method::POST,
                "/api/v1/auth/token",
                None,
                Some(json!({"email": "vietlao@demo.amity", "password": "amity-demo"})),
            )
            .await;
        assert_eq!(old.status, StatusCode::UNAUTHORIZED);
        let new = app
            .call(
                Method::POST,
                "/api/v1/auth/token",
                None,
                Some(json!({"email": "vietlao@demo.amity", "password": "mat-khau-moi-dai"})),
            )
            .await;
        assert_eq!(new.status, StatusCode::CREATED);
        let admin = app.token("admin@demo.amity").await;
        let me = app
            .get("/api/v1/me", new.json()["token"].as_str().expect("token"))
            .await
            .json();
        let audit = app
            .get(
                &format!("/api/v1/audit?entity_type=user&entity_id={}", me["id"]),
                &admin,
            )
            .await;
        assert_eq!(audit.json()["items"][0]["action"], "change_password");
        assert!(!audit.text().contains("mat-khau-moi-dai") && !audit.text().contains("amity-demo"));
        app
    })
    .await;
}

#[tokio::test]
async fn the_account_page_changes_the_password_and_keeps_this_browser_signed_in() {
    let app = App::new(Backend::Sqlite).await;
    let (session, csrf) = sign_in(&app, "vufo@demo.amity").await;
    let cookie = format!("amity_session={session}");
    let page = app
        .send(
            Request::get("/account")
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("vufo@demo.amity"));
    let r = app
        .send(form(
            "/account/password",
            &cookie,
            &format!("csrf_token={csrf}&current_password=amity-demo&new_password=mat-khau-moi-dai&repeat_password=khac-han"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text().contains("repeat_password-error"),
        "the error sits beside the field"
    );
    let r = app
        .send(form(
            "/account/password",
            &cookie,
            &format!("csrf_token={csrf}&current_password=amity-demo&new_password=mat-khau-moi-dai&repeat_password=mat-khau-moi-dai"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let (fresh, _) = cookie_value(&r, "amity_session").expect("a new session cookie");
    let old = app
        .send(
            Request::get("/")
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(old.status, StatusCode::SEE_OTHER, "the old session ended");
    let now = app
        .send(
            Request::get("/account?changed=1")
                .header(header::COOKIE, format!("amity_session={fresh}"))
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(now.status, StatusCode::OK);
    app.done().await;
}

#[tokio::test]
async fn anniversaries_come_as_json_and_as_an_icalendar_feed() {
    each_backend(|app| async move {
        let t = app.token("viewer@demo.amity").await;
        let r = app
            .get("/api/v1/anniversaries?from=2025-01-01&to=2025-12-31", &t)
            .await
            .json();
        let items = r["items"].as_array().expect("items").clone();
        let china = items
            .iter()
            .find(|a| a["country_code"] == "CN")
            .expect("China in 2025");
        assert_eq!(
            (
                china["date"].as_str(),
                china["years"].as_u64(),
                china["major"].as_bool()
            ),
            (Some("2025-01-18"), Some(75), Some(true)),
            "{:?}",
            app.backend
        );
        let feed = app
            .get(
                "/api/v1/anniversaries.ics?from=2025-01-01&to=2025-12-31",
                &t,
            )
            .await;
        assert_eq!(feed.status, StatusCode::OK);
        assert!(
            feed.headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap_or_default()
                .starts_with("text/calendar")
        );
        let text = feed.text();
        let unfolded = icalendar::parser::unfold(&text);
        let calendar =
            icalendar::parser::read_calendar(&unfolded).expect("a valid iCalendar document");
        let events: Vec<_> = calendar
            .components
            .iter()
            .filter(|c| c.name == "VEVENT")
            .collect();
        assert_eq!(events.len(), items.len(), "one event per anniversary");
        let summaries: Vec<String> = events
            .iter()
            .filter_map(|e| e.find_prop("SUMMARY").map(|p| p.val.to_string()))
            .collect();
        assert!(
            summaries
                .iter()
                .any(|s| s.contains("75 năm") && s.contains("Trung Quốc")),
            "{summaries:?}"
        );
        let china_event = events
            .iter()
            .find(|e| {
                e.find_prop("UID")
                    .is_some_and(|u| u.val.as_ref() == "relations-CN-2025@amity")
            })
            .expect("China's event");
        assert_eq!(
            china_event.find_prop("DTSTART").map(|p| p.val.to_string()),
            Some("20250118".to_owned())
        );
        for (query, field) in [
            ("from=2025-12-31&to=2025-01-01", "to"),
            ("from=18/01/2025", "from"),
            ("from=1900-01-01&to=2000-01-01", "to"),
        ] {
            let r = app.get(&format!("/api/v1/anniversaries?{query}"), &t).await;
            assert_eq!(
                (r.status, r.error_field()),
                (StatusCode::UNPROCESSABLE_ENTITY, field.to_owned()),
                "{query}"
            );
        }
        app
    })
    .await;
}

#[tokio::test]
async fn countries_list_filter_and_take_corrections_from_administrators() {
    each_backend(|app| async move {
        let t = app.token("vufo@demo.amity").await;
        let admin = app.token("admin@demo.amity").await;
        let r = app
            .get("/api/v1/countries?level=special_relationship&sort=code", &t)
            .await
            .json();
        let codes: Vec<&str> = r["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter_map(|c| c["code"].as_str())
            .collect();
        assert_eq!(codes, vec!["CU", "KH", "LA"], "{:?}", app.backend);
        let r = app.get("/api/v1/countries?q=lao", &t).await.json();
        assert!(
            r["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|c| c["code"] == "LA")
        );
        let cn = app.get("/api/v1/countries/cn", &t).await.json();
        assert_eq!(
            (cn["name_vi"].as_str(), cn["relations_date"].as_str()),
            (Some("Trung Quốc"), Some("1950-01-18"))
        );
        assert_eq!(cn["levels"].as_array().map(Vec::len), Some(1));
        assert_eq!(
            app.get("/api/v1/countries/XX", &t).await.status,
            StatusCode::NOT_FOUND
        );
        let body =
            json!({"relations_established": "1992-12-22", "source": "https://example.org/kr"});
        assert_eq!(
            app.call(
                Method::PATCH,
                "/api/v1/countries/KR",
                Some(&t),
                Some(body.clone())
            )
            .await
            .status,
            StatusCode::FORBIDDEN
        );
        let r = app
            .call(
                Method::PATCH,
                "/api/v1/countries/KR",
                Some(&admin),
                Some(json!({"relations_established": "22/13/1992"})),
            )
            .await;
        assert_eq!(
            (r.status, r.error_field()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                "relations_established".to_owned()
            )
        );
        let r = app
            .call(
                Method::PATCH,
                "/api/v1/countries/KR",
                Some(&admin),
                Some(body),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["relations_date"], "1992-12-22");
        let r = app
            .call(
                Method::POST,
                "/api/v1/countries/KR/levels",
                Some(&admin),
                Some(json!({"level": "best_friend"})),
            )
            .await;
        assert_eq!(
            (r.status, r.error_field()),
            (StatusCode::UNPROCESSABLE_ENTITY, "level".to_owned())
        );
        let r = app
            .call(
                Method::POST,
                "/api/v1/countries/KR/levels",
                Some(&admin),
                Some(json!({"level": "comprehensive_strategic", "since": "2022-12-05"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        assert_eq!(r.json()["level"], "comprehensive_strategic");
        let audit = app
            .get(
                &format!(
                    "/api/v1/audit?entity_type=country&entity_id={}",
                    r.json()["id"]
                ),
                &admin,
            )
            .await
            .json();
        assert_eq!(audit["total"], 2, "the correction and the upgrade");
        let r = app
            .call(
                Method::POST,
                "/api/v1/commemorations",
                Some(&admin),
                Some(json!({"title": "Năm Hữu nghị thử nghiệm", "year": 2027, "country": "KR"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let y = app
            .get("/api/v1/anniversaries?from=2027-01-01&to=2027-12-31", &t)
            .await
            .json();
        assert!(
            y["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|a| a["title_vi"] == "Năm Hữu nghị thử nghiệm" && a["country_code"] == "KR")
        );
        app
    })
    .await;
}

#[tokio::test]
async fn administrators_keep_relations_and_commemorations_through_the_forms() {
    let app = App::new(Backend::Sqlite).await;
    let (session, csrf) = sign_in(&app, "admin@demo.amity").await;
    let cookie = format!("amity_session={session}");
    let page = |path: &str| {
        Request::get(path)
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .expect("request")
    };
    let cal = app.send(page("/anniversaries?year=2025")).await.text();
    assert!(
        cal.contains("Kỷ niệm 75 năm thiết lập quan hệ ngoại giao Việt Nam – Trung Quốc"),
        "the calendar shows China's 75th"
    );
    assert!(
        cal.contains("anniversaries.ics?from=2025-01-01&#38;to=2025-12-31"),
        "with its feed (askama escapes & as &#38;)"
    );
    let r = app
        .send(form(
            "/countries/KR",
            &cookie,
            &format!(
                "csrf_token={csrf}&relations_established=22%2F13%2F1992&relations_note=&source="
            ),
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("relations_established-error"));
    let r = app
        .send(form(
            "/countries/KR",
            &cookie,
            &format!("csrf_token={csrf}&relations_established=22%2F12%2F1992&relations_note=&source=https%3A%2F%2Fexample.org"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let r = app
        .send(form(
            "/countries/KR/levels",
            &cookie,
            &format!("csrf_token={csrf}&level=comprehensive_strategic&since=12%2F2022&source="),
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let korea = app.send(page("/countries/KR")).await.text();
    assert!(
        korea.contains("22/12/1992")
            && korea.contains("Đối tác chiến lược toàn diện")
            && korea.contains("12/2022"),
        "{korea}"
    );
    let r = app
        .send(form(
            "/anniversaries",
            &cookie,
            &format!("csrf_token={csrf}&title=&year=2030&country=KR"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .send(form(
            "/anniversaries",
            &cookie,
            &format!("csrf_token={csrf}&title=N%C4%83m+th%E1%BB%AD&year=2030&country=KR"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        app.send(page("/anniversaries?year=2030"))
            .await
            .text()
            .contains("Năm thử")
    );
    // Others read but cannot change reference data.
    let (viewer, viewer_csrf) = sign_in(&app, "vufo@demo.amity").await;
    let r = app
        .send(form(
            "/countries/KR",
            &format!("amity_session={viewer}"),
            &format!("csrf_token={viewer_csrf}&relations_established=1990"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    app.done().await;
}

#[tokio::test]
async fn ngo_permits_through_the_api_with_warnings_history_and_refusals() {
    each_backend(|app| async move {
        let vufo = app.token("vufo@demo.amity").await;
        let kh_token = app.token("khanhhoa@demo.amity").await;
        let body = json!({"kind": "ngo", "country": "DE", "name_vi": "Tổ chức Hỗ trợ Giáo dục", "name_latin": "Bildung Hilfe e.V.", "acronyms": ["BHV"]});
        let r = app.call(Method::POST, "/api/v1/partners", Some(&vufo), Some(body)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let id = r.json()["id"].clone();
        let kh = app.unit_by_code(&vufo, "56", "2025-07-01").await["id"].clone();
        let dl = app.unit_by_code(&vufo, "66", "2025-07-01").await["id"].clone();
        let path = format!("/api/v1/ngos/{id}");

        // Refused input names its field and writes nothing.
        let audit = app.audit_total(&vufo).await;
        let today = chrono::Utc::now().date_naive();
        let soon = (today + chrono::Days::new(45)).to_string();
        let permit = json!({"kind": "project_office", "number": "12/VPDA", "issuer": "Bộ Ngoại giao", "issued_on": "2024-05-01",
            "valid_from": "2024-05-01", "valid_to": soon, "provinces": [kh], "sectors": ["11220"]});
        for (change, field) in [
            (json!({"valid_to": "2024-04-30"}), "valid_to"),
            (json!({"sectors": ["1122"]}), "sectors"),
            (json!({"sectors": ["99999"]}), "sectors"),
            (json!({"provinces": []}), "provinces"),
            (json!({"kind": "consulate"}), "kind"),
        ] {
            let mut bad = permit.clone();
            for (k, v) in change.as_object().expect("object") {
                bad[k] = v.clone();
            }
            let r = app.call(Method::POST, &format!("{path}/permits"), Some(&vufo), Some(bad)).await;
            assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, field.to_owned()), "{change}: {}", r.text());
        }
        let r = app.call(Method::POST, &format!("{path}/permits"), Some(&kh_token), Some(permit.clone())).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "provinces read the registry; central staff keep it");
        assert_eq!(app.audit_total(&vufo).await, audit);

        // Working in Khánh Hòa and Đắk Lắk under a permit for Khánh Hòa ending in 45 days.
        let r = app.call(Method::PUT, &format!("{path}/work"), Some(&vufo), Some(json!({"sectors": ["11220", "12220"], "provinces": [kh, dl]}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let r = app.call(Method::POST, &format!("{path}/permits"), Some(&vufo), Some(permit)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let permit_id = r.json()["id"].clone();
        assert_eq!(r.json()["state"], "expiring");
        let ngo = app.get(&path, &kh_token).await.json();
        let kinds: Vec<&str> = ngo["warnings"].as_array().expect("warnings").iter().map(|w| w["kind"].as_str().unwrap_or_default()).collect();
        assert_eq!(kinds, ["expiring", "uncovered"], "{ngo}");
        assert_eq!(ngo["warnings"][1]["unit_id"], dl);
        let flagged = app.get("/api/v1/ngos?needs_attention=true", &vufo).await.json();
        assert!(flagged["items"].as_array().expect("items").iter().any(|n| n["id"] == id), "{flagged}");

        // Extended, then amended to cover Đắk Lắk: no warning left; a revoked permit is final.
        let changes = format!("/api/v1/ngo-permits/{permit_id}/changes");
        let r = app.call(Method::POST, &changes, Some(&vufo), Some(json!({"change": "extended", "valid_to": "2030-04-30"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let r = app.call(Method::POST, &changes, Some(&vufo), Some(json!({"change": "amended", "provinces": [kh, dl]}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(app.get(&path, &vufo).await.json()["warnings"], json!([]));
        let r = app.call(Method::POST, &changes, Some(&vufo), Some(json!({"change": "revoked"}))).await;
        assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, "note".to_owned()), "a decision gives its reason");
        let r = app.call(Method::POST, &changes, Some(&vufo), Some(json!({"change": "revoked", "note": "Vi phạm quy định"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let r = app.call(Method::POST, &changes, Some(&vufo), Some(json!({"change": "reinstated", "note": "x"}))).await;
        assert_eq!((r.status, r.error_field()), (StatusCode::CONFLICT, "change".to_owned()));
        let shown = app.get(&format!("/api/v1/ngo-permits/{permit_id}"), &kh_token).await.json();
        let steps: Vec<&str> = shown["history"].as_array().expect("history").iter().map(|s| s["change"].as_str().unwrap_or_default()).collect();
        assert_eq!((steps, shown["state"].clone()), (vec!["issued", "extended", "amended", "revoked"], json!("revoked")));
        assert_eq!(app.audit_total(&vufo).await, audit + 5, "the work, the permit and three changes");
        let sectors = app.get("/api/v1/sectors?q=basic%20health", &vufo).await.json();
        assert!(sectors["items"].as_array().expect("items").iter().any(|s| s["code"] == "12220"), "{sectors}");
        let party = app.get("/api/v1/partners?q=MPLA", &vufo).await.json()["items"][0]["id"].clone();
        assert_eq!(app.get(&format!("/api/v1/ngos/{party}"), &vufo).await.status, StatusCode::NOT_FOUND, "a party is not an NGO");

        // The pages: the registry flags nothing now; a second permit through the form.
        let (session, csrf) = sign_in(&app, "vufo@demo.amity").await;
        let cookie = format!("amity_session={session}");
        let page = app.get(&format!("/ngos/{id}"), &vufo).await.text();
        assert!(page.contains("Bildung Hilfe e.V.") && page.contains("12/VPDA") && page.contains(r#"action="/ngos/"#), "{page}");
        let form_path = format!("/ngos/{id}/permits");
        let r = app.send(form(&form_path, &cookie, &format!("csrf_token={csrf}&kind=operation_registration&number=&issuer=B%E1%BB%99&issued_on=mai&valid_from=01%2F01%2F2026&valid_to=31%2F12%2F2030&provinces={kh}"))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains(r#"id="pissued_on-error""#), "the unreadable date is named beside its field");
        let body = format!("csrf_token={csrf}&kind=operation_registration&number=301%2FGDK&issuer=B%E1%BB%99+Ngo%E1%BA%A1i+giao&issued_on=01%2F01%2F2026&valid_from=01%2F01%2F2026&valid_to=31%2F12%2F2030&provinces={kh}&provinces={dl}&sectors=11220%2C+12220");
        let r = app.send(form(&form_path, &cookie, &body)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let shown = app.get(&format!("/api/v1/ngos/{id}"), &vufo).await.json();
        assert_eq!((shown["permits"].as_array().map(Vec::len), shown["warnings"].clone()), (Some(2), json!([])), "{shown}");
        let province_view = app.get(&format!("/ngos/{id}"), &kh_token).await.text();
        assert!(province_view.contains("301/GDK") && !province_view.contains(r#"action="/ngos/"#), "a province reads, central staff keep");
        app
    })
    .await;
}

#[tokio::test]
async fn an_ngo_applicant_files_and_follows_only_its_own_applications() {
    each_backend(|app| async move {
        let ngo = app.token("ngo@demo.amity").await;
        let vufo = app.token("vufo@demo.amity").await;
        let mine = app.get("/api/v1/applications", &ngo).await.json();
        let items = mine["items"].as_array().expect("items").clone();
        let states: Vec<&str> = items.iter().map(|a| a["state"].as_str().unwrap_or_default()).collect();
        assert_eq!(states.len(), 3, "{mine}");
        for s in ["approved", "info_requested", "submitted"] {
            assert!(states.contains(&s), "{s} in {states:?}");
        }
        assert!(items.iter().all(|a| a["partner_id"] == items[0]["partner_id"] && a.get("notes").is_none()), "own NGO only, no internal notes: {mine}");
        let all = app.get("/api/v1/applications", &vufo).await.json();
        assert_eq!(all["total"], 4);
        let theirs = all["items"].as_array().expect("items").iter().find(|a| a["partner_id"] != items[0]["partner_id"]).cloned().expect("the other NGO's");
        assert_eq!(theirs["notes"][0]["note"], "Chờ ý kiến của Bộ Công an", "the office sees its notes");
        assert_eq!(app.get(&format!("/api/v1/applications/{}", theirs["id"]), &ngo).await.status, StatusCode::NOT_FOUND);
        for path in ["/api/v1/partners", "/api/v1/ngos", "/api/v1/org-units", "/api/v1/aid/projects", "/partners"] {
            assert_eq!(app.get(path, &ngo).await.status, StatusCode::FORBIDDEN, "{path}");
        }
        let extension = items.iter().find(|a| a["state"] == "info_requested").cloned().expect("extension");
        let shown = app.get(&format!("/api/v1/applications/{}", extension["id"]), &ngo).await.json();
        assert!(shown.get("notes").is_none() && shown["moves"].as_array().expect("moves").iter().any(|m| m["comment"] == "Bổ sung báo cáo tài chính năm 2025"));

        // Filing: every document of the checklist, or the missing ones are named.
        let procedures = app.get("/api/v1/applications/procedures", &ngo).await.json();
        let office = procedures["items"].as_array().expect("items").iter().find(|p| p["code"] == "representative_office").cloned().expect("procedure");
        let audit = app.audit_total(&vufo).await;
        let r = app.call(Method::POST, "/api/v1/applications", Some(&ngo), Some(json!({"procedure": "representative_office", "documents": [office["required_documents"][0]], "request": "Lập Văn phòng đại diện"}))).await;
        assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, "documents".to_owned()), "{}", r.text());
        let r = app.call(Method::POST, "/api/v1/applications", Some(&ngo), Some(json!({"procedure": "representative_office", "documents": office["required_documents"], "request": "Lập Văn phòng đại diện tại Hà Nội"}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let filed = r.json();
        let expected = amity_domain::application::deadline(chrono::Utc::now().date_naive(), 30, &holidays(&app, &ngo).await);
        assert_eq!(filed["deadline"], json!(expected.to_string()), "30 working days");
        let moves = format!("/api/v1/applications/{}/transitions", filed["id"]);
        assert_eq!(app.call(Method::POST, &moves, Some(&ngo), Some(json!({"to": "approved"}))).await.status, StatusCode::FORBIDDEN, "the office decides");
        assert_eq!(app.call(Method::POST, &moves, Some(&vufo), Some(json!({"to": "approved"}))).await.status, StatusCode::CONFLICT, "reviewed first");
        assert_eq!(app.call(Method::POST, &moves, Some(&vufo), Some(json!({"to": "under_review"}))).await.status, StatusCode::OK);
        let r = app.call(Method::POST, &moves, Some(&vufo), Some(json!({"to": "approved"}))).await;
        assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, "permit".to_owned()), "an approval issues the permit");
        let permit = json!({"number": "Mẫu-03/VPĐD", "issuer": "Bộ Ngoại giao", "issued_on": "2026-11-23", "valid_from": "2026-11-23", "valid_to": "2031-11-22", "provinces": [app.unit_by_code(&vufo, "56", "2025-07-01").await["id"]]});
        let r = app.call(Method::POST, &moves, Some(&vufo), Some(json!({"to": "approved", "permit": permit}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let issued = app.get(&format!("/api/v1/ngo-permits/{}", r.json()["permit_id"]), &vufo).await.json();
        assert_eq!((issued["kind"].clone(), issued["number"].clone()), (json!("representative_office"), json!("Mẫu-03/VPĐD")));

        // The applicant answers the request; approving the extension extends the permit.
        let moves = format!("/api/v1/applications/{}/transitions", extension["id"]);
        assert_eq!(app.call(Method::POST, &moves, Some(&ngo), Some(json!({"to": "submitted", "comment": "Đã bổ sung báo cáo tài chính"}))).await.status, StatusCode::OK);
        assert_eq!(app.call(Method::POST, &moves, Some(&vufo), Some(json!({"to": "under_review"}))).await.status, StatusCode::OK);
        let r = app.call(Method::POST, &moves, Some(&vufo), Some(json!({"to": "approved", "permit": {"valid_to": "2032-01-14"}}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let extended = app.get(&format!("/api/v1/ngo-permits/{}", extension["permit_id"]), &vufo).await.json();
        assert_eq!((extended["valid_to"].clone(), extended["history"].as_array().map(Vec::len)), (json!("2032-01-14"), Some(2)));
        let r = app.call(Method::POST, &format!("/api/v1/applications/{}/notes", extension["id"]), Some(&ngo), Some(json!({"note": "x"}))).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "notes are the office's");
        assert_eq!(app.audit_total(&vufo).await, audit + 8, "filed, 2 moves and the permit issued; 3 moves and the extension");

        // The pages: the applicant lands on its applications and reaches nothing else.
        let home = app.get("/", &ngo).await;
        assert_eq!((home.status, home.headers.get(header::LOCATION).and_then(|l| l.to_str().ok())), (StatusCode::SEE_OTHER, Some("/applications")));
        let page = app.get("/applications", &ngo).await.text();
        assert!(page.contains("Quỹ Hữu nghị Giáo dục") && !page.contains("Nước sạch Cộng đồng") && page.contains(r#"href="/applications/new""#), "{page}");
        assert!(!page.contains(r#"href="/partners""#) && !page.contains(r#"role="search""#), "no federation navigation or search for an applicant");
        assert_eq!(app.get(&format!("/applications/{}", theirs["id"]), &ngo).await.status, StatusCode::NOT_FOUND);
        let own = app.get(&format!("/applications/{}", extension["id"]), &ngo).await.text();
        assert!(!own.contains("Đối chiếu báo cáo") && !own.contains("/notes"), "no internal notes for the applicant");
        let (session, csrf) = sign_in(&app, "vufo@demo.amity").await;
        let cookie = format!("amity_session={session}");
        let moves = format!("/applications/{}/transitions", theirs["id"]);
        let r = app.send(form(&moves, &cookie, &format!("csrf_token={csrf}&change=refused&note="))).await;
        assert!(r.status == StatusCode::UNPROCESSABLE_ENTITY && r.text().contains(r#"id="mcomment-error""#), "a refusal says why");
        let r = app.send(form(&moves, &cookie, &format!("csrf_token={csrf}&change=refused&note=H%E1%BB%93+s%C6%A1+kh%C3%B4ng+%C4%91%E1%BB%A7+%C4%91i%E1%BB%81u+ki%E1%BB%87n"))).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let r = app.send(form(&format!("/applications/{}/notes", theirs["id"]), &cookie, &format!("csrf_token={csrf}&note=%C4%90%C3%A3+b%C3%A1o+t%E1%BB%95+ch%E1%BB%A9c"))).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let decided = app.get(&format!("/api/v1/applications/{}", theirs["id"]), &vufo).await.json();
        assert_eq!((decided["state"].clone(), decided["notes"].as_array().map(Vec::len)), (json!("refused"), Some(2)));
        app
    })
    .await;
}

/// The public holidays the server counts, as the API lists them.
async fn holidays(app: &App, token: &str) -> std::collections::BTreeSet<chrono::NaiveDate> {
    let listed = app.get("/api/v1/holidays", token).await.json();
    listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|h| {
            h["date"]
                .as_str()
                .and_then(|d| d.parse().ok())
                .expect("date")
        })
        .collect()
}

#[tokio::test]
async fn public_holidays_lengthen_deadlines_and_only_administrators_keep_them() {
    each_backend(|app| async move {
        let admin = app.token("admin@demo.amity").await;
        let vufo = app.token("vufo@demo.amity").await;
        let ngo = app.token("ngo@demo.amity").await;
        let tet = app.get("/api/v1/holidays?year=2026", &ngo).await.json();
        let tet_days = tet["items"].as_array().expect("items").iter().filter(|h| h["name_vi"] == "Tết Nguyên đán").count();
        assert_eq!((tet_days, tet["items"][1]["date"].clone()), (5, json!("2026-02-16")), "the shipped days: {tet}");

        // The next working day after today becomes a holiday: filing today takes one day more.
        let today = chrono::Utc::now().date_naive();
        let shipped = holidays(&app, &ngo).await;
        let next = amity_domain::application::deadline(today, 1, &shipped);
        let before = amity_domain::application::deadline(today, 20, &shipped);
        let audit = app.audit_total(&admin).await;
        let path = format!("/api/v1/holidays/{next}");
        let body = json!({"name_vi": "Ngày nghỉ do Chính phủ quyết định", "name_en": "Day off decided by the Government"});
        assert_eq!(app.call(Method::PUT, &path, Some(&vufo), Some(body.clone())).await.status, StatusCode::FORBIDDEN, "administrators only");
        let r = app.call(Method::PUT, "/api/v1/holidays/2026-11-28", Some(&admin), Some(body.clone())).await;
        assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, "date".to_owned()), "a Saturday: {}", r.text());
        let r = app.call(Method::PUT, "/api/v1/holidays/30-02-2027", Some(&admin), Some(body.clone())).await;
        assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, "date".to_owned()));
        let r = app.call(Method::PUT, &path, Some(&admin), Some(json!({"name_vi": "  "}))).await;
        assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, "name_vi".to_owned()));
        assert_eq!(app.audit_total(&admin).await, audit, "nothing refused was recorded");
        let r = app.call(Method::PUT, &path, Some(&admin), Some(body)).await;
        assert_eq!((r.status, r.json()["date"].clone()), (StatusCode::OK, json!(next.to_string())));

        let procedures = app.get("/api/v1/applications/procedures", &ngo).await.json();
        let office = procedures["items"].as_array().expect("items").iter().find(|p| p["code"] == "project_office").cloned().expect("procedure");
        let r = app.call(Method::POST, "/api/v1/applications", Some(&ngo), Some(json!({"procedure": "project_office", "documents": office["required_documents"], "request": "Lập Văn phòng dự án tại Nha Trang"}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let after = amity_domain::application::deadline(before, 1, &holidays(&app, &ngo).await);
        assert_eq!(r.json()["deadline"], json!(after.to_string()), "20 working days, one of them a holiday now");
        assert!(after > before);

        assert_eq!(app.call(Method::DELETE, &path, Some(&vufo), None).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.call(Method::DELETE, &path, Some(&admin), None).await.status, StatusCode::NO_CONTENT);
        assert_eq!(app.call(Method::DELETE, &path, Some(&admin), None).await.status, StatusCode::NOT_FOUND);
        assert!(!holidays(&app, &ngo).await.contains(&next));
        assert_eq!(app.audit_total(&admin).await, audit + 3, "the holiday set, the application filed, the holiday removed");
        app
    })
    .await;
}

#[tokio::test]
async fn exchange_rates_and_holidays_have_pages_that_only_administrators_change() {
    each_backend(|app| async move {
        let admin = app.token("admin@demo.amity").await;
        let vufo = app.token("vufo@demo.amity").await;
        let page = app.get("/aid/rates", &vufo).await.text();
        assert!(page.contains(r#"<span class="code">USD</span>"#) && page.contains("25.000"), "the shipped 2024 USD rate: {page}");
        assert_eq!(
            page.matches("<strong>đang áp dụng</strong>").count(),
            page.matches("<summary>").count(),
            "one rate in force per currency"
        );
        assert!(page.matches("<summary>").count() >= 5, "{page}");
        assert!(!page.contains(r#"name="vnd_per_unit""#), "no form for central staff");
        assert!(app.get("/aid?year=2025", &vufo).await.text().contains(r#"href="/aid/rates""#));
        let page = app.get("/holidays?year=2026", &vufo).await.text();
        assert!(page.contains("16/02/2026") && page.contains("Tết Nguyên đán") && page.contains("Quốc khánh"), "{page}");
        assert!(!page.contains(r#"name="name_vi""#) && !page.contains("/delete"), "no forms for central staff");
        assert_eq!(app.get("/holidays?year=3000", &vufo).await.status, StatusCode::UNPROCESSABLE_ENTITY);
        let audit = app.audit_total(&admin).await;

        // Central staff may not change them.
        let (session, csrf) = sign_in(&app, "vufo@demo.amity").await;
        let staff = format!("amity_session={session}");
        let rate = |csrf: &str| format!("csrf_token={csrf}&currency=xaf&valid_from=01%2F01%2F2024&vnd_per_unit=41%2C5");
        assert_eq!(app.send(form("/aid/rates", &staff, &rate(&csrf))).await.status, StatusCode::FORBIDDEN);
        let day = |csrf: &str| format!("csrf_token={csrf}&date=03%2F09%2F2027&name_vi=Ngh%E1%BB%89+Qu%E1%BB%91c+kh%C3%A1nh&name_en=");
        assert_eq!(app.send(form("/holidays", &staff, &day(&csrf))).await.status, StatusCode::FORBIDDEN);
        assert_eq!(
            app.send(form("/holidays/2027-09-02/delete", &staff, &format!("csrf_token={csrf}"))).await.status,
            StatusCode::FORBIDDEN
        );

        // An administrator's mistakes are named beside their fields and change nothing.
        let (session, csrf) = sign_in(&app, "admin@demo.amity").await;
        let cookie = format!("amity_session={session}");
        let r = app.send(form("/aid/rates", &cookie, &format!("csrf_token={csrf}&currency=dollars&valid_from=&vnd_per_unit=-3"))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        for id in ["currency-error", "valid_from-error", "vnd_per_unit-error"] {
            assert!(r.text().contains(&format!(r#"id="{id}""#)), "{id}: {}", r.text());
        }
        let r =
            app.send(form("/holidays", &cookie, &format!("csrf_token={csrf}&date=04%2F09%2F2027&name_vi=Th%E1%BB%A9+b%E1%BA%A3y"))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a Saturday");
        assert!(r.text().contains(r#"id="date-error""#) && r.text().contains("value=\"04/09/2027\""), "{}", r.text());
        let r = app.send(form("/holidays", &cookie, &format!("csrf_token={csrf}&date=03%2F09%2F2027&name_vi=+"))).await;
        assert!(r.text().contains(r#"id="name_vi-error""#), "{}", r.text());
        assert_eq!(app.audit_total(&admin).await, audit, "nothing refused was saved");

        // What an administrator sets is used and audited.
        let r = app.send(form("/aid/rates", &cookie, &rate(&csrf))).await;
        assert_eq!(
            (r.status, r.headers.get(header::LOCATION).and_then(|l| l.to_str().ok())),
            (StatusCode::SEE_OTHER, Some("/aid/rates")),
            "{}",
            r.text()
        );
        let rates = app.get("/api/v1/exchange-rates", &vufo).await.json();
        let xaf: Vec<&Value> = rates["items"].as_array().expect("items").iter().filter(|r| r["currency"] == "XAF").collect();
        assert_eq!(xaf, [&json!({"currency": "XAF", "valid_from": "2024-01-01", "vnd_per_unit": "41.5"})], "{rates}");
        assert!(app.get("/aid/rates", &vufo).await.text().contains("41,5"));
        let r = app.send(form("/holidays", &cookie, &day(&csrf))).await;
        assert_eq!(r.headers.get(header::LOCATION).and_then(|l| l.to_str().ok()), Some("/holidays?year=2027"), "{}", r.text());
        let page = app.get("/holidays?year=2027", &admin).await.text();
        assert!(
            page.contains("03/09/2027") && page.contains("Nghỉ Quốc khánh") && page.contains(r#"action="/holidays/2027-09-03/delete""#),
            "{page}"
        );
        assert!(holidays(&app, &vufo).await.contains(&chrono::NaiveDate::from_ymd_opt(2027, 9, 3).expect("date")));
        let r = app.send(form("/holidays/2027-09-03/delete", &cookie, &format!("csrf_token={csrf}"))).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(!app.get("/holidays?year=2027", &admin).await.text().contains("03/09/2027"));
        assert_eq!(
            app.send(form("/holidays/2027-09-03/delete", &cookie, &format!("csrf_token={csrf}"))).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(app.audit_total(&admin).await, audit + 3, "the rate, the day added, the day removed");
        app
    })
    .await;
}

/// Validates an IATI activity file against the official 2.03 schema with xmllint.
fn assert_valid_iati(body: &[u8], label: &str) {
    let file = std::env::temp_dir().join(format!("amity-iati-{label}-{}.xml", std::process::id()));
    std::fs::write(&file, body).expect("write");
    let schema = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/reference/iati/iati-activities-schema.xsd"
    );
    let check = std::process::Command::new("xmllint")
        .args(["--noout", "--schema", schema])
        .arg(&file)
        .output()
        .expect("xmllint (libxml2-utils) runs");
    std::fs::remove_file(&file).ok();
    assert!(
        check.status.success(),
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
}

#[tokio::test]
async fn aid_projects_and_their_money_through_the_api() {
    each_backend(|app| async move {
        let vufo = app.token("vufo@demo.amity").await;
        let kh = app.token("khanhhoa@demo.amity").await;
        let qn = app.token("quangnam@demo.amity").await;
        let admin = app.token("admin@demo.amity").await;
        let body = json!({"kind": "ngo", "country": "KR", "name_vi": "Quỹ Giếng nước Hàn Quốc", "name_latin": "Korea Wells Fund"});
        let ngo = app.call(Method::POST, "/api/v1/partners", Some(&vufo), Some(body)).await.json()["id"].clone();
        let unit = app.unit_by_code(&kh, "56", "2025-07-01").await["id"].clone();
        let project = json!({"code": "kwf-kh-01", "title_vi": "Giếng nước sạch Khánh Hòa", "title_en": "Clean wells in Khánh Hòa", "status": "implementation",
            "planned_start": "2024-01-01", "planned_end": "2025-12-31", "organizations": [{"partner_id": ngo, "role": "funding"}],
            "sectors": [{"key": "14030", "percent": 70}, {"key": "12220", "percent": "30"}], "provinces": [{"key": unit, "percent": 100}]});

        let audit = app.audit_total(&vufo).await;
        let mut off = project.clone();
        off["sectors"] = json!([{"key": "14030", "percent": 70}, {"key": "12220", "percent": 20}]);
        let r = app.call(Method::POST, "/api/v1/aid/projects", Some(&kh), Some(off)).await;
        assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, "sectors".to_owned()), "{}", r.text());
        assert_eq!(app.audit_total(&vufo).await, audit, "nothing saved");
        let mut nowhere = project.clone();
        nowhere["unit_id"] = json!(999_999);
        let r = app.call(Method::POST, "/api/v1/aid/projects", Some(&admin), Some(nowhere)).await;
        assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, "unit_id".to_owned()), "{}", r.text());
        assert_eq!(app.audit_total(&vufo).await, audit, "nothing saved for a unit that does not exist");
        let r = app.call(Method::POST, "/api/v1/aid/projects", Some(&kh), Some(project.clone())).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let id = r.json()["id"].clone();
        assert_eq!(r.json()["code"], "KWF-KH-01");
        let again = app.call(Method::POST, "/api/v1/aid/projects", Some(&kh), Some(project)).await;
        assert_eq!((again.status, again.error_field()), (StatusCode::CONFLICT, "code".to_owned()));

        let money = format!("/api/v1/aid/projects/{id}/transactions");
        for (body, field) in [
            (json!({"kind": "disbursement", "date": "2024-03-01", "amount": "1000", "currency": "XAF"}), "currency"),
            (json!({"kind": "disbursement", "date": "2026-03-01", "amount": "1000", "currency": "USD"}), "date"),
            (json!({"kind": "gift", "date": "2024-03-01", "amount": "1000", "currency": "USD"}), "kind"),
        ] {
            let r = app.call(Method::POST, &money, Some(&kh), Some(body.clone())).await;
            assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, field.to_owned()), "{body}: {}", r.text());
        }
        let r = app.call(Method::POST, &money, Some(&kh), Some(json!({"kind": "disbursement", "date": "2024-03-01", "amount": "1000.50", "currency": "USD"}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        assert_eq!((r.json()["amount_vnd"].clone(), r.json()["amount_usd"].clone()), (json!("25012500"), json!("1000.5")), "the 2024 default rate");
        let r = app.call(Method::POST, &money, Some(&qn), Some(json!({"kind": "disbursement", "date": "2024-03-01", "amount": "1", "currency": "VND"}))).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "outside Quảng Nam's scope");

        // An administrator adds a rate for the CFA franc; the currency is then accepted.
        let rate = json!({"currency": "xaf", "valid_from": "2024-01-01", "vnd_per_unit": "41.5"});
        assert_eq!(app.call(Method::PUT, "/api/v1/exchange-rates", Some(&kh), Some(rate.clone())).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.call(Method::PUT, "/api/v1/exchange-rates", Some(&admin), Some(rate)).await.status, StatusCode::OK);
        let r = app.call(Method::POST, &money, Some(&kh), Some(json!({"kind": "commitment", "date": "2024-03-01", "amount": "1000", "currency": "XAF"}))).await;
        assert_eq!((r.status, r.json()["amount_vnd"].clone()), (StatusCode::CREATED, json!("41500")));
        let shown = app.get(&format!("/api/v1/aid/projects/{id}"), &vufo).await.json();
        assert_eq!(shown["totals"]["disbursement"], json!({"vnd": "25012500", "usd": "1000.5"}), "{shown}");
        assert_eq!(shown["sectors"][0]["percent"], "30", "{shown}");
        let listed = app.get(&format!("/api/v1/aid/projects?ngo={ngo}&year=2025"), &vufo).await.json();
        assert_eq!(listed["total"], 1);
        assert_eq!(app.get("/api/v1/aid/projects", &qn).await.json()["total"], 0);
        assert_eq!(app.audit_total(&vufo).await, audit + 4, "the project, two transactions and the rate");

        // The report mechanism reads the same money, and the project under way.
        let summary = app.get(&format!("/api/v1/reports/summary?unit={unit}&period=2024"), &vufo).await.json();
        let value = |code: &str| summary["indicators"].as_array().expect("indicators").iter().find(|v| v["code"] == code).map(|v| v["own"].clone());
        assert_eq!(
            (value("aid_disbursed_vnd"), value("aid_disbursed_usd"), value("aid_committed_vnd"), value("aid_projects_active")),
            (Some(json!(25012500.0)), Some(json!(1000.5)), Some(json!(41500.0)), Some(json!(1.0))),
            "{summary}"
        );
        assert_eq!(value("aid_ngos_active"), Some(json!(1.0)), "the Korean fund gave aid: {summary}");
        let page = app.get(&format!("/ngos/{ngo}"), &vufo).await.text();
        assert!(page.contains("25.012.500") && page.contains("41.500"), "the NGO's page shows its aid: {page}");
        let page = app.get(&format!("/org-units/{unit}"), &kh).await.text();
        assert!(page.contains("25.012.500"), "the province's page shows its aid: {page}");

        // The IATI 2.03 file of Khánh Hòa's 2024 projects validates against the official schema.
        let r = app.get(&format!("/api/v1/aid/iati.xml?year=2024&unit={unit}"), &vufo).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let xml = r.text();
        for expected in ["<iati-identifier>VN-VUFO-KWF-KH-01</iati-identifier>", "<narrative>Giếng nước sạch Khánh Hòa</narrative>",
            r#"<narrative xml:lang="en">Clean wells in Khánh Hòa</narrative>"#, r#"<sector vocabulary="1" code="14030" percentage="70"/>"#,
            r#"<value currency="USD" value-date="2024-03-01">1000.5</value>"#, r#"<transaction-type code="11"/>"#] {
            assert!(xml.contains(expected), "{expected} missing from {xml}");
        }
        assert_eq!(xml.matches("<transaction>").count(), shown["transactions"].as_array().map(Vec::len).unwrap_or_default());
        assert_valid_iati(&r.body, &format!("{:?}-kh", app.backend));
        // The demo's JVPF scholarships (seed article 002): 20 × 3 million đồng, in the 2025 file
        // and in the federation's 2025 figures.
        let r = app.get("/api/v1/aid/iati.xml?year=2025", &vufo).await;
        assert!(r.text().contains("<iati-identifier>VN-VUFO-JVPF-BG-2025</iati-identifier>"), "{}", r.text());
        assert_valid_iati(&r.body, &format!("{:?}-2025", app.backend));
        let national = app.unit_by_code(&vufo, "VUFO", "2025-06-30").await["id"].clone();
        let y2025 = app.get(&format!("/api/v1/reports/summary?unit={national}&period=2025"), &vufo).await.json();
        let disbursed = y2025["indicators"].as_array().expect("indicators").iter().find(|v| v["code"] == "aid_disbursed_vnd").map(|v| v["subtree"].clone());
        assert_eq!(disbursed, Some(json!(60000000.0)), "{y2025}");
        // The aid dashboard adds up the same transactions: Khánh Hòa's in 2024, JVPF's in 2025.
        let d2024 = app.get(&format!("/api/v1/aid/dashboard?year=2024&unit={unit}"), &vufo).await.json();
        assert_eq!((d2024["disbursed"].clone(), d2024["committed"]["vnd"].clone()), (shown["totals"]["disbursement"].clone(), json!("41500")), "{d2024}");
        assert_eq!((d2024["by_country"][0]["key"].clone(), d2024["by_sector"][0]["key"].clone()), (json!("KR"), json!("14030")), "{d2024}");
        assert_eq!(d2024["by_sector"][0]["disbursed"]["vnd"], "17508750", "70 % of 25,012,500 đồng");
        // The articles' totals: about 233 million USD mobilized in 2021, 5 % more than in 2020;
        // about 40 billion đồng in Cluster 3's 2023 review.
        let d2021 = app.get("/api/v1/aid/dashboard?year=2021", &vufo).await.json();
        assert_eq!((d2021["committed"]["usd"].clone(), d2021["previous_committed"]["usd"].clone()), (json!("233000000"), json!("221900000")), "{d2021}");
        let page = app.get("/aid?year=2021", &vufo).await.text();
        assert!(page.contains("233.000.000") && page.contains("VUFO-TH-2021"), "{page}");
        let cluster = app.unit_by_code(&vufo, "CUM-3", "2023-12-31").await["id"].clone();
        let c2023 = app.get(&format!("/api/v1/reports/summary?unit={cluster}&period=2023"), &vufo).await.json();
        let committed = c2023["indicators"].as_array().expect("indicators").iter().find(|v| v["code"] == "aid_committed_vnd").map(|v| v["subtree"].clone());
        assert_eq!(committed, Some(json!(40000000000.0)), "{c2023}");
        let d2025 = app.get("/api/v1/aid/dashboard?year=2025", &vufo).await.json();
        assert_eq!((d2025["disbursed"]["vnd"].clone(), d2025["by_country"][0]["name"].clone()), (json!("60000000"), json!("Nhật Bản")), "{d2025}");
        let page = app.get("/aid?year=2025", &vufo).await.text();
        assert!(page.contains("60.000.000") && page.contains("<svg") && page.contains("JVPF-BG-2025"), "{page}");
        let jvpf = d2025["by_unit"][0]["key"].clone();
        assert!(jvpf.is_string());
        let listed = app.get("/api/v1/aid/projects?year=2025", &vufo).await.json();
        let jvpf_project = listed["items"].as_array().expect("items").iter().find(|p| p["code"] == "JVPF-BG-2025").map(|p| p["id"].clone()).expect("listed");
        let page = app.get(&format!("/aid/projects/{jvpf_project}"), &vufo).await.text();
        assert!(page.contains("20 suất × 3.000.000 đồng") && page.contains("60.000.000"), "{page}");
        assert_eq!(app.get(&format!("/aid/projects/{jvpf_project}"), &qn).await.status, StatusCode::NOT_FOUND, "outside Quảng Nam's scope");
        assert_eq!(app.get("/api/v1/aid/iati.xml?year=2024", &qn).await.status, StatusCode::NOT_FOUND, "nothing in Quảng Nam's scope");
        app
    })
    .await;
}

#[tokio::test]
async fn aid_projects_and_transactions_through_the_pages() {
    each_backend(|app| async move {
        let kh = app.token("khanhhoa@demo.amity").await;
        let vufo = app.token("vufo@demo.amity").await;
        let jvpf = app.get("/api/v1/partners?q=JVPF", &vufo).await.json()["items"][0]["id"].clone();
        let unit = app.unit_by_code(&kh, "56", "2025-07-01").await["id"].clone();
        let (session, csrf) = sign_in(&app, "khanhhoa@demo.amity").await;
        let cookie = format!("amity_session={session}");
        let page = app.get("/aid/projects/new", &kh).await.text();
        assert!(page.contains(r#"name="org_partner""#) && page.contains(&format!(r#"<option value="{jvpf}" >Hội đồng Xúc tiến"#)), "{page}");
        let audit = app.audit_total(&vufo).await;
        let fields = format!("csrf_token={csrf}&code=jvpf-kh-26&title_vi=H%E1%BB%8Dc+b%E1%BB%95ng+Kh%C3%A1nh+H%C3%B2a&unit_id={unit}&status=implementation&planned_start=01%2F01%2F2026&planned_end=31%2F12%2F2026&org_partner={jvpf}&org_role=funding&org_partner=&org_role=funding&sector_code=11220&province_unit={unit}&province_percent=100");
        let r = app.send(form("/aid/projects/new", &cookie, &format!("{fields}&sector_percent=90"))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains(r#"id="sectors-error""#) && r.text().contains("not 100"), "the error beside the sectors: {}", r.text());
        assert!(r.text().contains(r#"value="jvpf-kh-26""#), "the code kept as typed");
        assert_eq!(app.audit_total(&vufo).await, audit, "nothing saved");
        let r = app.send(form("/aid/projects/new", &cookie, &format!("{fields}&sector_percent=100"))).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let location = r.headers[header::LOCATION].to_str().expect("location").to_owned();
        let id = location.rsplit('/').next().expect("id").to_owned();

        // Money through the project page: Vietnamese thousands separators; a date outside the
        // project is refused beside its field.
        let page = app.get(&location, &kh).await.text();
        assert!(page.contains(r#"name="amount""#), "{page}");
        let money = format!("{location}/transactions");
        let late = format!("csrf_token={csrf}&kind=disbursement&date=01%2F01%2F2027&amount=60.000.000&currency=VND");
        let r = app.send(form(&money, &cookie, &late)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains(r#"id="tdate-error""#), "{}", r.text());
        let good = format!("csrf_token={csrf}&kind=disbursement&date=15%2F03%2F2026&amount=60.000.000&currency=VND&note=%C4%90%E1%BB%A3t+1");
        assert_eq!(app.send(form(&money, &cookie, &good)).await.status, StatusCode::SEE_OTHER);
        let usd = format!("csrf_token={csrf}&kind=commitment&date=01%2F02%2F2026&amount=2500%2C5&currency=USD&rate_to_vnd=26.000");
        assert_eq!(app.send(form(&money, &cookie, &usd)).await.status, StatusCode::SEE_OTHER);
        let shown = app.get(&format!("/api/v1/aid/projects/{id}"), &kh).await.json();
        assert_eq!(shown["totals"]["disbursement"]["vnd"], "60000000", "{shown}");
        assert_eq!(shown["totals"]["commitment"], json!({"vnd": "65013000", "usd": "2500.5"}), "{shown}");
        assert_eq!(app.audit_total(&vufo).await, audit + 3, "the project and two transactions");
        let page = app.get(&location, &kh).await.text();
        assert!(page.contains("60.000.000") && page.contains("Đợt 1"), "{page}");

        // Quảng Nam cannot reach it; the viewer records nothing.
        let (qn_session, qn_csrf) = sign_in(&app, "quangnam@demo.amity").await;
        let r = app.send(form(&money, &format!("amity_session={qn_session}"), &good.replace(&csrf, &qn_csrf))).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let viewer = app.token("viewer@demo.amity").await;
        assert_eq!(app.get("/aid/projects/new", &viewer).await.status, StatusCode::FORBIDDEN);
        assert!(!app.get(&location, &viewer).await.text().contains(r#"name="amount""#), "no money form for the viewer");
        app
    })
    .await;
}

#[tokio::test]
async fn aid_projects_change_through_the_api_and_the_page() {
    each_backend(|app| async move {
        let kh = app.token("khanhhoa@demo.amity").await;
        let vufo = app.token("vufo@demo.amity").await;
        let jvpf = app.get("/api/v1/partners?q=JVPF", &vufo).await.json()["items"][0]["id"].clone();
        let unit = app.unit_by_code(&kh, "56", "2025-07-01").await["id"].clone();
        let body = json!({"code": "KH-SUA", "title_vi": "Học bổng Khánh Hòa", "unit_id": unit, "status": "implementation",
            "planned_start": "2026-01-01", "planned_end": "2026-12-31", "organizations": [{"partner_id": jvpf, "role": "funding"}],
            "sectors": [{"key": "11220", "percent": 100}], "provinces": [{"key": unit, "percent": 100}]});
        let r = app.call(Method::POST, "/api/v1/aid/projects", Some(&kh), Some(body)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let id = r.json()["id"].clone();
        let path = format!("/api/v1/aid/projects/{id}");
        let money = json!({"kind": "disbursement", "date": "2026-06-15", "amount": "10000000", "currency": "VND"});
        assert_eq!(app.call(Method::POST, &format!("{path}/transactions"), Some(&kh), Some(money)).await.status, StatusCode::CREATED);
        let sector = |d: &Value, code: &str| {
            d["by_sector"].as_array().expect("by_sector").iter().find(|b| b["key"] == code).map(|b| b["disbursed"]["vnd"].clone())
        };
        let dashboard = format!("/api/v1/aid/dashboard?year=2026&unit={unit}");
        let before = app.get(&dashboard, &kh).await.json();
        let audit = app.audit_total(&vufo).await;

        // Refused with the field named, nothing changed.
        let refused = [
            (json!({"sectors": [{"key": "11220", "percent": 90}]}), StatusCode::UNPROCESSABLE_ENTITY, "sectors"),
            (json!({"planned_start": "2026-07-01"}), StatusCode::UNPROCESSABLE_ENTITY, "planned_start"),
            (json!({"planned_end": "2026-05-31"}), StatusCode::UNPROCESSABLE_ENTITY, "planned_end"),
            (json!({"programme_id": id}), StatusCode::UNPROCESSABLE_ENTITY, "programme_id"),
            (json!({"code": "CUM3-TH-2023"}), StatusCode::CONFLICT, "code"),
            (json!({"status": "finished"}), StatusCode::UNPROCESSABLE_ENTITY, "status"),
            (json!({"colour": "red"}), StatusCode::UNPROCESSABLE_ENTITY, "colour"),
        ];
        for (patch, status, field) in refused {
            let r = app.call(Method::PATCH, &path, Some(&kh), Some(patch.clone())).await;
            assert_eq!((r.status, r.error_field()), (status, field.to_owned()), "{patch}: {}", r.text());
        }
        assert_eq!(app.audit_total(&vufo).await, audit, "nothing refused was saved");
        let qn = app.token("quangnam@demo.amity").await;
        assert_eq!(app.call(Method::PATCH, &path, Some(&qn), Some(json!({"title_en": "x"}))).await.status, StatusCode::NOT_FOUND);
        let viewer = app.token("viewer@demo.amity").await;
        assert_eq!(app.call(Method::PATCH, &path, Some(&viewer), Some(json!({"title_en": "x"}))).await.status, StatusCode::FORBIDDEN);

        // Only the fields named change; the money follows the new sector shares.
        let patch = json!({"title_en": "Khánh Hòa scholarships", "sectors": [{"key": "11220", "percent": 60}, {"key": "12220", "percent": 40}]});
        let r = app.call(Method::PATCH, &path, Some(&kh), Some(patch)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let changed = r.json();
        assert_eq!((changed["title_vi"].clone(), changed["title_en"].clone()), (json!("Học bổng Khánh Hòa"), json!("Khánh Hòa scholarships")));
        assert_eq!((changed["organizations"][0]["partner_id"].clone(), changed["transactions"].as_array().map(Vec::len)), (jvpf.clone(), Some(1)));
        let after = app.get(&dashboard, &kh).await.json();
        assert_eq!(after["disbursed"], before["disbursed"], "the same money");
        let was = sector(&before, "11220").and_then(|v| v.as_str().and_then(|s| s.parse::<i64>().ok())).expect("11220 before");
        assert_eq!(sector(&after, "11220"), Some(json!((was - 4_000_000).to_string())), "{after}");
        assert_eq!(sector(&after, "12220").and_then(|v| v.as_str().and_then(|s| s.parse::<i64>().ok())).map(|v| v >= 4_000_000), Some(true));
        let r = app.call(Method::PATCH, &path, Some(&kh), Some(json!({"title_en": null}))).await;
        assert_eq!((r.status, r.json()["title_en"].clone()), (StatusCode::OK, Value::Null), "null clears");
        assert_eq!(app.audit_total(&vufo).await, audit + 2);

        // The page: the form holds the project; a bad date is named beside its field.
        let (session, csrf) = sign_in(&app, "khanhhoa@demo.amity").await;
        let cookie = format!("amity_session={session}");
        let shown = app.get(&format!("/aid/projects/{id}"), &kh).await.text();
        assert!(shown.contains(&format!(r#"href="/aid/projects/{id}/edit""#)), "{shown}");
        assert!(!app.get(&format!("/aid/projects/{id}"), &viewer).await.text().contains("/edit\""), "no edit link for the viewer");
        let edit = format!("/aid/projects/{id}/edit");
        let page = app.get(&edit, &kh).await.text();
        assert!(page.contains(r#"value="KH-SUA""#) && page.contains(r#"value="01/01/2026""#) && page.contains(r#"value="60""#), "{page}");
        assert_eq!(app.get(&edit, &viewer).await.status, StatusCode::FORBIDDEN);
        let fields = format!("csrf_token={csrf}&code=KH-SUA&title_vi=H%E1%BB%8Dc+b%E1%BB%95ng+Kh%C3%A1nh+H%C3%B2a+2026&unit_id={unit}&status=finalisation&planned_start=01%2F01%2F2026&org_partner={jvpf}&org_role=funding&sector_code=11220&sector_percent=100&province_unit={unit}&province_percent=100");
        let r = app.send(form(&edit, &cookie, &format!("{fields}&planned_end=31%2F13%2F2026"))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains(r#"id="planned_end-error""#) && r.text().contains("Sửa dự án"), "{}", r.text());
        let r = app.send(form(&edit, &cookie, &format!("{fields}&planned_end=31%2F12%2F2026"))).await;
        assert_eq!((r.status, r.headers.get(header::LOCATION).and_then(|l| l.to_str().ok())), (StatusCode::SEE_OTHER, Some(format!("/aid/projects/{id}").as_str())));
        let saved = app.get(&path, &kh).await.json();
        assert_eq!((saved["title_vi"].clone(), saved["status"].clone(), saved["sectors"].as_array().map(Vec::len)), (json!("Học bổng Khánh Hòa 2026"), json!("finalisation"), Some(1)));
        assert_eq!(app.audit_total(&vufo).await, audit + 3);

        // Its documents: attached by its unit's staff, read within scope, removed again.
        let files = format!("{path}/attachments");
        let r = app.send(upload(&files, &kh, "van-kien-du-an.pdf", b"%PDF-1.4 van kien")).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let file = r.json()["id"].clone();
        assert_eq!(app.send(upload(&files, &kh, "script.exe", b"MZ")).await.error_field(), "file");
        assert_eq!(app.send(upload(&files, &viewer, "x.pdf", b"%PDF")).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.get(&files, &qn).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get(&files, &viewer).await.json()["total"], 1);
        let shown = app.get(&format!("/aid/projects/{id}"), &kh).await.text();
        assert!(shown.contains("van-kien-du-an.pdf") && shown.contains(&format!(r#"action="/aid/projects/{id}/files""#)), "{shown}");
        assert_eq!(app.get(&format!("/api/v1/attachments/{file}"), &qn).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.call(Method::DELETE, &format!("/api/v1/attachments/{file}"), Some(&kh), None).await.status, StatusCode::NO_CONTENT);
        assert_eq!(app.get(&files, &kh).await.json()["total"], 0);
        assert_eq!(app.audit_total(&vufo).await, audit + 5, "attached and removed");
        let again = app.send(upload(&files, &kh, "bao-cao.docx", b"PK docx")).await.json()["id"].clone();
        let r = app.send(form(&format!("/files/{again}/delete"), &cookie, &format!("csrf_token={csrf}"))).await;
        assert_eq!(r.headers.get(header::LOCATION).and_then(|l| l.to_str().ok()), Some(format!("/aid/projects/{id}").as_str()), "back to the project");

        // A project of Bắc Giang, merged away in 2025, keeps its unit and province on the form.
        let listed = app.get("/api/v1/aid/projects?per_page=50", &vufo).await.json();
        let jvpf_bg = listed["items"].as_array().expect("items").iter().find(|p| p["code"] == "JVPF-BG-2025").cloned().expect("demo project");
        let page = app.get(&format!("/aid/projects/{}/edit", jvpf_bg["id"]), &vufo).await.text();
        let bac_giang = format!(r#"<option value="{}" selected>Liên hiệp các tổ chức hữu nghị tỉnh Bắc Giang"#, jvpf_bg["unit_id"]);
        assert_eq!(page.matches(&bac_giang).count(), 2, "the unit and the province: {page}");
        app
    })
    .await;
}

#[tokio::test]
async fn aid_project_results_are_checked_kept_and_published() {
    each_backend(|app| async move {
        let kh = app.token("khanhhoa@demo.amity").await;
        let vufo = app.token("vufo@demo.amity").await;
        let jvpf = app.get("/api/v1/partners?q=JVPF", &vufo).await.json()["items"][0]["id"].clone();
        let unit = app.unit_by_code(&kh, "56", "2025-07-01").await["id"].clone();
        let wells = json!({"kind": "output", "indicator_vi": "Số giếng nước sạch", "indicator_en": "Clean wells dug", "baseline": "0",
            "baseline_year": 2025, "target": "40", "actual": "12"});
        let access = json!({"kind": "outcome", "indicator_vi": "Tỷ lệ hộ dùng nước sạch", "measure": "percentage", "baseline": "61.5",
            "baseline_year": 2025, "target": "90"});
        let project = json!({"code": "KH-GIENG-26", "title_vi": "Giếng nước sạch Khánh Hòa 2026", "unit_id": unit, "status": "implementation",
            "planned_start": "2026-01-01", "planned_end": "2027-12-31", "organizations": [{"partner_id": jvpf, "role": "funding"}],
            "sectors": [{"key": "14030", "percent": 100}], "provinces": [{"key": unit, "percent": 100}], "results": [wells, access]});
        let audit = app.audit_total(&vufo).await;

        // Refused with the row and field named, nothing saved.
        let bad_rows = [
            (json!({"target": "120"}), 1, "results[1].target"),
            (json!({"indicator_vi": "  "}), 0, "results[0].indicator_vi"),
            (json!({"baseline_year": null}), 0, "results[0].baseline_year"),
            (json!({"baseline_year": 2030}), 1, "results[1].baseline_year"),
            (json!({"actual": "mười hai"}), 0, "results[0].actual"),
            (json!({"kind": "effect"}), 1, "results[1].kind"),
        ];
        for (change, row, field) in bad_rows {
            let mut bad = project.clone();
            for (k, v) in change.as_object().expect("object") {
                bad["results"][row][k] = v.clone();
            }
            let r = app.call(Method::POST, "/api/v1/aid/projects", Some(&kh), Some(bad)).await;
            assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, field.to_owned()), "{change}: {}", r.text());
        }
        assert_eq!(app.audit_total(&vufo).await, audit, "nothing refused was saved");

        let r = app.call(Method::POST, "/api/v1/aid/projects", Some(&kh), Some(project)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let id = r.json()["id"].clone();
        let results = r.json()["results"].clone();
        assert_eq!(results[0], json!({"kind": "output", "indicator_vi": "Số giếng nước sạch", "indicator_en": "Clean wells dug", "measure": "unit",
            "baseline": "0", "baseline_year": 2025, "target": "40", "actual": "12"}), "{results}");
        assert_eq!((results[1]["measure"].clone(), results[1]["baseline"].clone(), results[1]["actual"].clone()), (json!("percentage"), json!("61.5"), Value::Null));

        // A change of the achieved figures replaces the list and is audited with it.
        let path = format!("/api/v1/aid/projects/{id}");
        let mut now = results.clone();
        now[0]["actual"] = json!("25");
        now[1]["actual"] = json!("74.5");
        let r = app.call(Method::PATCH, &path, Some(&kh), Some(json!({"results": now}))).await;
        assert_eq!((r.status, r.json()["results"][1]["actual"].clone()), (StatusCode::OK, json!("74.5")), "{}", r.text());
        let r = app.call(Method::PATCH, &path, Some(&kh), Some(json!({"title_en": "Clean wells"}))).await;
        assert_eq!(r.json()["results"].as_array().map(Vec::len), Some(2), "a change that names no results keeps them");
        assert_eq!(app.audit_total(&vufo).await, audit + 3);
        let trail = app.get(&format!("/api/v1/audit?entity_type=aid_project&entity_id={id}"), &vufo).await.text();
        assert!(trail.contains("74.5"), "the achieved figure is in the audit trail: {trail}");

        // The project page shows each indicator against its target.
        let page = app.get(&format!("/aid/projects/{id}"), &kh).await.text();
        assert!(page.contains("Số giếng nước sạch") && page.contains("63 %") && page.contains("74,5 %") && page.contains("(2025)"), "{page}");

        // The form shows the results; a bad row is named beside its field, counting blank rows.
        let (session, csrf) = sign_in(&app, "khanhhoa@demo.amity").await;
        let cookie = format!("amity_session={session}");
        let edit = format!("/aid/projects/{id}/edit");
        let page = app.get(&edit, &kh).await.text();
        assert!(page.contains(r#"id="result-indicator_vi-0" name="result_indicator_vi" value="Số giếng nước sạch""#), "{page}");
        assert!(page.contains(r#"id="result-actual-1" name="result_actual" value="74.5""#) && page.contains(r#"id="result-target-3""#), "{page}");
        let fields = format!("csrf_token={csrf}&code=KH-GIENG-26&title_vi=Gi%E1%BA%BFng+n%C6%B0%E1%BB%9Bc+s%E1%BA%A1ch&unit_id={unit}&status=implementation&planned_start=01%2F01%2F2026&planned_end=31%2F12%2F2027&org_partner={jvpf}&org_role=funding&sector_code=14030&sector_percent=100&province_unit={unit}&province_percent=100\
            &result_kind=&result_indicator_vi=&result_indicator_en=&result_measure=unit&result_baseline=&result_baseline_year=&result_actual=\
            &result_kind=output&result_indicator_vi=S%E1%BB%91+gi%E1%BA%BFng&result_indicator_en=&result_measure=unit&result_baseline=0&result_baseline_year=2025&result_actual=1.000");
        let r = app.send(form(&edit, &cookie, &format!("{fields}&result_target=&result_target=m%C6%B0%E1%BB%9Di"))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let text = r.text();
        let row = text.split(r#"id="result-target-1""#).nth(1).expect("the second row's target");
        assert!(row.split("</div>").next().is_some_and(|f| f.contains("field-error")), "the error beside the second row's target: {text}");
        assert!(!text.split(r#"id="result-target-0""#).nth(1).and_then(|r| r.split("</div>").next()).is_some_and(|f| f.contains("field-error")));
        let r = app.send(form(&edit, &cookie, &format!("{fields}&result_target=&result_target=1.200"))).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let saved = app.get(&path, &kh).await.json()["results"].clone();
        assert_eq!(saved, json!([{"kind": "output", "indicator_vi": "Số giếng", "indicator_en": null, "measure": "unit", "baseline": "0",
            "baseline_year": 2025, "target": "1200", "actual": "1000"}]), "the blank row left out, 1.200 read as twelve hundred");
        assert_eq!(app.audit_total(&vufo).await, audit + 4);

        // IATI: each indicator a result, with its baseline, target and actual; the file validates.
        let r = app.get(&format!("/api/v1/aid/iati.xml?year=2026&unit={unit}"), &vufo).await;
        let xml = r.text();
        for expected in [r#"<result type="1">"#, r#"<indicator measure="1">"#, r#"<baseline year="2025" value="0"/>"#,
            r#"<period-end iso-date="2027-12-31"/>"#, r#"<target value="1200"/>"#, r#"<actual value="1000"/>"#] {
            assert!(xml.contains(expected), "{expected} missing from {xml}");
        }
        assert_valid_iati(&r.body, &format!("{:?}-results", app.backend));
        // The demo's JVPF scholarships: 20 awarded of 20.
        let xml = app.get("/api/v1/aid/iati.xml?year=2025", &vufo).await.text();
        assert!(xml.contains(r#"<narrative xml:lang="en">Scholarships awarded to ethnic-minority pupils</narrative>"#) && xml.contains(r#"<actual value="20"/>"#), "{xml}");
        app
    })
    .await;
}

#[tokio::test]
async fn aid_imports_are_all_or_nothing_with_per_row_errors() {
    each_backend(|app| async move {
        let kh = app.token("khanhhoa@demo.amity").await;
        let vufo = app.token("vufo@demo.amity").await;
        let total = |v: Value| v["total"].as_i64().expect("total");
        let before = total(app.get("/api/v1/aid/projects", &kh).await.json());
        let audit = app.audit_total(&vufo).await;
        let header = "code,title_vi,title_en,unit,programme,status,planned_start,planned_end,funding,implementing,sectors,provinces\n";
        let programme = "KH-PRG,Chương trình nước sạch Khánh Hòa,Clean water in Khánh Hòa,56,,implementation,01/01/2026,31/12/2027,JVPF,,,\n";
        let child = "KH-PRG-1,Giếng nước Cam Lâm,,56,kh-prg,implementation,2026-01-01,2026-12-31,JVPF,,14030:70; 12220:30,56:100\n";
        let bad = "KH-PRG-2,Giếng nước Diên Khánh,,56,KH-PRG,implementation,2026-01-01,2026-12-31,Không có tổ chức này,,14030:70; 12220:20,99:100\n";
        let r = app.send(csv_post("/api/v1/aid/projects/import", &kh, &format!("{header}{programme}{child}{bad}{child}"))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let errors: Vec<(String, String)> = r.json()["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .map(|e| (e["field"].as_str().unwrap_or_default().to_owned(), e["detail"].as_str().unwrap_or_default().to_owned()))
            .collect();
        let fields: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["funding", "provinces", "code"], "{errors:?}");
        assert!(errors[0].1.starts_with("line 4:") && errors[2].1.starts_with("line 5:"), "{errors:?}: the code repeats line 3's");
        assert_eq!((total(app.get("/api/v1/aid/projects", &kh).await.json()), app.audit_total(&vufo).await), (before, audit), "nothing saved");

        let file = format!("{header}{programme}{child}");
        let r = app.send(csv_post("/api/v1/aid/projects/import?dry_run=true", &kh, &file)).await;
        assert_eq!((r.status, r.json()["items"].as_array().map(Vec::len)), (StatusCode::OK, Some(2)), "{}", r.text());
        assert_eq!(r.json()["items"][1]["code"], "KH-PRG-1");
        assert_eq!((total(app.get("/api/v1/aid/projects", &kh).await.json()), app.audit_total(&vufo).await), (before, audit), "a preview saves nothing");
        let r = app.send(csv_post("/api/v1/aid/projects/import", &kh, &file)).await;
        assert_eq!((r.status, r.json()["created"].clone()), (StatusCode::CREATED, json!(2)), "{}", r.text());
        assert_eq!(total(app.get("/api/v1/aid/projects", &kh).await.json()), before + 2);
        let again = app.send(csv_post("/api/v1/aid/projects/import", &kh, &file)).await;
        assert_eq!((again.status, again.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, "code".to_owned()), "codes already taken: {}", again.text());
        let qn = app.token("quangnam@demo.amity").await;
        let r = app.send(csv_post("/api/v1/aid/projects/import", &qn, &file.replace("KH-PRG", "QN-PRG"))).await;
        assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, "unit".to_owned()), "not Quảng Nam's unit: {}", r.text());

        // Transactions: a programme takes none; a currency without a rate and a date outside the
        // project are named by line; a repeated transaction needs confirming.
        let theader = "project,kind,date,amount,currency,rate_to_vnd,note\n";
        let rows = "KH-PRG-1,commitment,2026-01-10,200000000,VND,,\nKH-PRG-1,disbursement,2026-02-01,1500.25,USD,,Đợt 1\nKH-PRG-1,disbursement,2026-06-01,2000,USD,,Đợt 2\n";
        let wrong = "KH-PRG,disbursement,2026-02-01,1,VND,,\nKH-PRG-1,disbursement,2026-02-01,1000,XAF,,\nKH-PRG-1,disbursement,2027-02-01,1000,USD,,\nKH-PRG-9,disbursement,2026-02-01,1000,USD,,\n";
        let r = app.send(csv_post("/api/v1/aid/transactions/import", &kh, &format!("{theader}{rows}{wrong}"))).await;
        let fields: Vec<String> = r.json()["errors"].as_array().expect("errors").iter().map(|e| e["field"].as_str().unwrap_or_default().to_owned()).collect();
        assert_eq!((r.status, fields), (StatusCode::UNPROCESSABLE_ENTITY, vec!["project".to_owned(), "currency".into(), "date".into(), "project".into()]), "{}", r.text());
        assert_eq!(app.audit_total(&vufo).await, audit + 2, "only the two projects");
        let r = app.send(csv_post("/api/v1/aid/transactions/import", &kh, &format!("{theader}{rows}"))).await;
        assert_eq!((r.status, r.json()["created"].clone()), (StatusCode::CREATED, json!(3)), "{}", r.text());
        let again = app.send(csv_post("/api/v1/aid/transactions/import", &kh, &format!("{theader}{rows}"))).await;
        assert_eq!((again.status, again.error_field()), (StatusCode::CONFLICT, "amount".to_owned()), "{}", again.text());
        let preview = app.send(csv_post("/api/v1/aid/transactions/import?dry_run=true", &kh, &format!("{theader}{rows}"))).await;
        assert_eq!(preview.json()["duplicates"].as_array().map(Vec::len), Some(3), "{}", preview.text());

        // The programme's money is its project's; the IATI file of Khánh Hòa's 2026 holds the
        // same disbursements as the dashboard, in the dollars they were made in.
        let prg = app.get("/api/v1/aid/projects?year=2026", &kh).await.json()["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|p| p["code"] == "KH-PRG")
            .map(|p| p["id"].clone())
            .expect("programme");
        let shown = app.get(&format!("/api/v1/aid/projects/{prg}"), &kh).await.json();
        assert_eq!(shown["totals"]["disbursement"]["usd"], "3500.25", "{shown}");
        let unit = app.unit_by_code(&kh, "56", "2025-07-01").await["id"].clone();
        let dashboard = app.get(&format!("/api/v1/aid/dashboard?year=2026&unit={unit}"), &kh).await.json();
        assert_eq!(dashboard["disbursed"], shown["totals"]["disbursement"], "counted once: {dashboard}");
        let xml = app.get(&format!("/api/v1/aid/iati.xml?year=2026&unit={unit}"), &kh).await;
        let disbursed: rust_decimal::Decimal = xml
            .text()
            .split("<transaction>")
            .skip(1)
            .filter(|t| t.contains(r#"<transaction-type code="3"/>"#))
            .map(|t| t.split("\">").nth(1).and_then(|v| v.split('<').next()).and_then(|v| v.parse::<rust_decimal::Decimal>().ok()).expect("a value"))
            .sum();
        assert_eq!(disbursed.to_string(), "3500.25", "{}", xml.text());
        assert_valid_iati(&xml.body, &format!("{:?}-import", app.backend));

        // The page previews a pasted file line by line.
        let (session, csrf) = sign_in(&app, "khanhhoa@demo.amity").await;
        let cookie = format!("amity_session={session}");
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs([("csrf_token", csrf.as_str()), ("what", "transactions"), ("action", "preview"), ("csv", &format!("{theader}KH-PRG-1,expenditure,2026-07-01,500,USD,,\n"))])
            .finish();
        let r = app.send(form("/aid/import", &cookie, &body)).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.text().contains("KH-PRG-1") && r.text().contains("expenditure 2026-07-01"), "{}", r.text());
        let body = body.replace("KH-PRG-1%2Cexpenditure", "KH-PRG-1%2Cgift");
        let r = app.send(form("/aid/import", &cookie, &body)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("line 2:"), "{}", r.text());
        app
    })
    .await;
}

#[tokio::test]
async fn partners_through_the_api_with_duplicate_warnings_and_scope() {
    each_backend(|app| async move {
        let vufo = app.token("vufo@demo.amity").await;
        let qn = app.token("quangnam@demo.amity").await;
        let viewer = app.token("viewer@demo.amity").await;
        let body = json!({
            "kind": "friendship_society", "category": "traditional_friend", "country": "FR",
            "name_vi": "Hội hữu nghị Pháp – Việt Nam", "name_native": "Association d'Amitié Franco-Vietnamienne",
            "acronyms": ["AAFV"], "aliases": ["Hội Pháp – Việt"]
        });
        let r = app.call(Method::POST, "/api/v1/partners", Some(&vufo), Some(body.clone())).await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}: {}", app.backend, r.text());
        let created = r.json();
        let r = app
            .call(
                Method::POST,
                "/api/v1/partners",
                Some(&vufo),
                Some(json!({"kind": "ngo", "country": "FR", "name_vi": "HOI HUU NGHI PHAP – VIET NAM"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "folded names match: {}", r.text());
        assert_eq!(r.json()["candidates"][0]["id"], created["id"]);
        let r = app
            .call(
                Method::POST,
                "/api/v1/partners",
                Some(&vufo),
                Some(json!({"kind": "ngo", "country": "FR", "name_vi": "Hội hữu nghị Pháp – Việt Nam", "confirm_duplicate": true})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
        for (bad, field) in [
            (json!({"kind": "party", "name_vi": "X"}), "kind"),
            (json!({"kind": "ngo"}), "name_vi"),
            (json!({"kind": "ngo", "name_vi": "X", "country": "XYZ"}), "country"),
            (json!({"kind": "ngo", "name_vi": "X", "website": "mpla.ao"}), "website"),
            (json!({"kind": "ngo", "name_vi": "X", "colour": "red"}), "colour"),
        ] {
            let r = app.call(Method::POST, "/api/v1/partners", Some(&vufo), Some(bad.clone())).await;
            assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, field.to_owned()), "{bad}: {}", r.text());
        }
        assert_eq!(app.call(Method::POST, "/api/v1/partners", Some(&viewer), Some(body.clone())).await.status, StatusCode::FORBIDDEN);
        let path = format!("/api/v1/partners/{}", created["id"]);
        assert_eq!(
            app.call(Method::PATCH, &path, Some(&qn), Some(json!({"note": "x"}))).await.status,
            StatusCode::FORBIDDEN,
            "kept by VUFO"
        );
        let r = app
            .call(
                Method::PATCH,
                &path,
                Some(&vufo),
                Some(json!({"website": "https://aafv.org", "aliases": ["Hội Pháp – Việt", "AAFV Paris"]})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["name_native"], "Association d'Amitié Franco-Vietnamienne", "fields not given stay");
        let hits = app.get("/api/v1/search?q=aafv", &qn).await.json();
        assert!(hits["items"].as_array().expect("items").iter().any(|h| h["entity_type"] == "partner"), "acronyms are found: {hits}");
        let list = app.get("/api/v1/partners?country=FR&kind=friendship_society&sort=-name", &qn).await.json();
        assert_eq!(list["total"], 1);
        let demo = app.get("/api/v1/partners?q=anc", &qn).await.json();
        assert_eq!(demo["items"][0]["name_latin"], "African National Congress", "the demo's partners are there");
        let own = qn.clone();
        let me = app.get("/api/v1/me", &own).await.json();
        let r = app
            .call(
                Method::POST,
                &format!("{path}/units"),
                Some(&qn),
                Some(json!({"unit_id": me["unit_id"], "relation": "counterpart_of", "valid_from": "2022-01-01"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let detail = app.get(&path, &viewer).await.json();
        assert_eq!(detail["units"][0]["relation"], "counterpart_of");
        app
    })
    .await;
}

#[tokio::test]
async fn partners_are_entered_through_the_form_with_a_duplicate_warning() {
    let app = App::new(Backend::Sqlite).await;
    let (session, csrf) = sign_in(&app, "quangnam@demo.amity").await;
    let cookie = format!("amity_session={session}");
    let fields = "kind=political_party&category=traditional_friend&country=ZA&name_vi=%C4%90%E1%BA%A3ng+%C4%90%E1%BA%A1i+h%E1%BB%99i+D%C3%A2n+t%E1%BB%99c+Phi&name_latin=&name_native=&acronyms=anc&aliases=&website=&address=&note=";
    let r = app
        .send(form(
            "/partners/new",
            &cookie,
            &format!("csrf_token={csrf}&{fields}"),
        ))
        .await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "the demo has the ANC already"
    );
    let text = r.text();
    assert!(
        text.contains("African National Congress") || text.contains("Đảng Đại hội Dân tộc Phi"),
        "the candidate is listed"
    );
    assert!(text.contains("confirm_duplicate"), "with a box to confirm");
    let r = app
        .send(form(
            "/partners/new",
            &cookie,
            &format!("csrf_token={csrf}&{fields}&confirm_duplicate=yes"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let location = r.headers[header::LOCATION]
        .to_str()
        .expect("location")
        .to_owned();
    let r = app
        .send(form(
            &format!("{location}/units"),
            &cookie,
            &format!("csrf_token={csrf}&unit_id=0&relation=partner_of&valid_from=31%2F02%2F2024&valid_to="),
        ))
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a bad date names its field"
    );
    assert!(
        r.text().contains("valid_from") || r.text().contains("field-error"),
        "{}",
        r.text()
    );
    let page = app
        .send(
            Request::get(location.as_str())
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("Đảng Đại hội Dân tộc Phi"));
    app.done().await;
}

#[tokio::test]
async fn a_merged_partners_old_id_points_to_the_survivor() {
    each_backend(|app| async move {
        let admin = app.token("admin@demo.amity").await;
        let wpc = app.get("/api/v1/partners?q=world+peace+council", &admin).await.json()["items"][0].clone();
        let r = app
            .call(Method::POST, "/api/v1/partners", Some(&admin), Some(json!({"kind": "international_organization", "name_latin": "World Peace Council (WPC)", "acronyms": ["WPC"], "confirm_duplicate": true})))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let dup = r.json();
        let path = format!("/api/v1/partners/{}/merge", dup["id"]);
        let r = app.call(Method::POST, &path, Some(&admin), Some(json!({}))).await;
        assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, "into".to_owned()));
        let r = app.call(Method::POST, &path, Some(&admin), Some(json!({"into": wpc["id"]}))).await;
        assert_eq!(r.status, StatusCode::OK, "{:?}: {}", app.backend, r.text());
        assert!(r.json()["aliases"].as_array().expect("aliases").iter().any(|a| a == "World Peace Council (WPC)"));
        let old = app.get(&format!("/api/v1/partners/{}", dup["id"]), &admin).await.json();
        assert_eq!(old["merged_into_id"], wpc["id"], "the old id answers with a pointer to the survivor");
        let again = app.call(Method::POST, &path, Some(&admin), Some(json!({"into": wpc["id"]}))).await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        app
    })
    .await;
}

#[tokio::test]
async fn partner_exports_hold_the_lists_rows_in_csv_and_xlsx() {
    use calamine::Reader;
    each_backend(|app| async move {
        let t = app.token("viewer@demo.amity").await;
        let list = app
            .get("/api/v1/partners?kind=political_party&per_page=500", &t)
            .await
            .json();
        let names: Vec<String> = list["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|p| p["name_vi"].as_str().unwrap_or_default().to_owned())
            .collect();
        assert_eq!(names.len(), 5, "{:?}: the demo's five parties", app.backend);
        let csv = app
            .get("/api/v1/partners/export.csv?kind=political_party", &t)
            .await;
        assert_eq!(&csv.body[..3], &[0xEF, 0xBB, 0xBF]);
        let mut reader = csv::Reader::from_reader(&csv.body[3..]);
        let csv_rows: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.expect("a CSV row").iter().map(str::to_owned).collect())
            .collect();
        assert_eq!(
            csv_rows.iter().map(|r| r[1].clone()).collect::<Vec<_>>(),
            names,
            "same rows, same order"
        );
        let xlsx = app
            .get("/api/v1/partners/export.xlsx?kind=political_party", &t)
            .await;
        assert_eq!(xlsx.status, StatusCode::OK);
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.body.clone()))
                .expect("an XLSX workbook");
        let sheet = book.worksheet_range("Đối tác").expect("the sheet");
        let xlsx_rows: Vec<Vec<String>> = sheet
            .rows()
            .skip(1)
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect();
        assert_eq!(
            xlsx_rows, csv_rows,
            "the spreadsheet holds the same rows as the CSV"
        );
        let bad = app.get("/api/v1/partners/export.xlsx?kind=party", &t).await;
        assert_eq!(
            (bad.status, bad.error_field()),
            (StatusCode::UNPROCESSABLE_ENTITY, "kind".to_owned())
        );
        app
    })
    .await;
}

#[tokio::test]
async fn people_and_positions_through_the_api() {
    each_backend(|app| async move {
        let kh = app.token("khanhhoa@demo.amity").await;
        let qn = app.token("quangnam@demo.amity").await;
        let anc = app.get("/api/v1/partners?q=anc", &kh).await.json()["items"][0]["id"].clone();
        let r = app
            .call(
                Method::POST,
                "/api/v1/people",
                Some(&kh),
                Some(json!({"name": "Cyril Ramaphosa", "gender": "male", "nationality": "ZA", "phone": "+27 000"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}: {}", app.backend, r.text());
        let person = r.json();
        for (bad, field) in [
            (json!({"name": ""}), "name"),
            (json!({"name": "X", "gender": "m"}), "gender"),
            (json!({"name": "X", "email": "not-an-email"}), "email"),
            (json!({"name": "X", "age": 3}), "age"),
        ] {
            let r = app.call(Method::POST, "/api/v1/people", Some(&kh), Some(bad.clone())).await;
            assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, field.to_owned()), "{bad}");
        }
        let positions = format!("/api/v1/people/{}/positions", person["id"]);
        let r = app
            .call(Method::POST, &positions, Some(&kh), Some(json!({"title": "Chủ tịch", "partner_id": anc, "valid_from": "2017-12-18"})))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let r = app.call(Method::POST, &positions, Some(&kh), Some(json!({"title": "X", "partner_id": anc, "organization": "Y"}))).await;
        assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, "organization".to_owned()));
        assert_eq!(
            app.call(Method::POST, &positions, Some(&qn), Some(json!({"title": "X", "organization": "Y"}))).await.status,
            StatusCode::FORBIDDEN
        );
        let seen = app.get(&format!("/api/v1/people/{}", person["id"]), &qn).await.json();
        assert_eq!((seen["phone"].clone(), seen["contact_hidden"].clone()), (Value::Null, json!(true)), "contacts stay within scope");
        assert_eq!(seen["positions"][0]["partner"]["id"], anc);
        let own = app.get(&format!("/api/v1/people/{}", person["id"]), &kh).await.json();
        assert_eq!(own["phone"], "+27 000");
        let at = app.get(&format!("/api/v1/people?partner={anc}"), &qn).await.json();
        assert_eq!(at["total"], 1);
        app
    })
    .await;
}

#[tokio::test]
async fn a_union_cannot_edit_another_unions_agreement() {
    each_backend(|app| async move {
        let kh = app.token("khanhhoa@demo.amity").await;
        let qn = app.token("quangnam@demo.amity").await;
        let anc = app.get("/api/v1/partners?q=anc", &kh).await.json()["items"][0]["id"].clone();
        let r = app.call(Method::POST, "/api/v1/agreements", Some(&kh), Some(json!({"title": "Thỏa thuận thử", "partners": [anc], "valid_from": "2024-01-01", "valid_to": "2028-12-31", "status": "in_force"}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}: {}", app.backend, r.text());
        let a = r.json();
        for (bad, field) in [(json!({"title": "", "partners": [anc]}), "title"), (json!({"title": "X"}), "partners"), (json!({"title": "X", "partners": [anc], "status": "signed-ish"}), "status"), (json!({"title": "X", "partners": [anc], "valid_from": "01/01/2024"}), "valid_from")] {
            let r = app.call(Method::POST, "/api/v1/agreements", Some(&kh), Some(bad.clone())).await;
            assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, field.to_owned()), "{bad}: {}", r.text());
        }
        let tasks = format!("/api/v1/agreements/{}/tasks", a["id"]);
        let r = app.call(Method::POST, &tasks, Some(&kh), Some(json!({"year": 2026, "item": "Trao đổi đoàn thanh niên"}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let task = r.json()["tasks"][0]["id"].clone();
        assert_eq!(app.call(Method::POST, &tasks, Some(&qn), Some(json!({"year": 2026, "item": "X"}))).await.status, StatusCode::NOT_FOUND, "outside scope");
        assert_eq!(app.get(&format!("/api/v1/agreements/{}", a["id"]), &qn).await.status, StatusCode::NOT_FOUND);
        let r = app.call(Method::PATCH, &format!("{tasks}/{task}"), Some(&kh), Some(json!({"status": "done", "evidence": "Đoàn tháng 5"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["tasks"][0]["status"], "done");
        let vufo = app.token("vufo@demo.amity").await;
        let with_anc = app.get(&format!("/api/v1/agreements?partner={anc}"), &vufo).await.json();
        assert_eq!(with_anc["total"], 1);
        let reminders = app.get("/api/v1/agreements/reminders", &kh).await;
        assert_eq!(reminders.status, StatusCode::OK);
        app
    })
    .await;
}

fn csv_post(path: &str, token: &str, body: &str) -> Request<Body> {
    Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "text/csv")
        .body(Body::from(body.to_owned()))
        .expect("request")
}

#[tokio::test]
async fn partner_imports_are_all_or_nothing_and_report_line_and_field() {
    each_backend(|app| async move {
        let t = app.token("vufo@demo.amity").await;
        let total = |v: Value| v["total"].as_i64().expect("total");
        let before = total(app.get("/api/v1/partners", &t).await.json());
        let good = "kind,country,name_vi,name_latin,acronyms\nfriendship_society,FR,Hội hữu nghị Pháp – Việt Nam,Association d'Amitié Franco-Vietnamienne,AAFV\nngo,DE,Tổ chức thử Đức,Test NGO Germany,TNG\n";
        let bad = format!("{good}ngo,XX,Tổ chức sai,,\n");
        let r = app.send(csv_post("/api/v1/partners/import", &t, &bad)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}: {}", app.backend, r.text());
        let e = &r.json()["errors"][0];
        assert_eq!(e["field"], "country");
        assert!(e["detail"].as_str().unwrap_or_default().starts_with("line 4:"), "{e}");
        assert_eq!(total(app.get("/api/v1/partners", &t).await.json()), before, "nothing imported");
        let r = app.send(csv_post("/api/v1/partners/import?dry_run=true", &t, good)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!((r.json()["rows"].as_i64(), r.json()["created"].as_i64()), (Some(2), Some(0)));
        assert_eq!(total(app.get("/api/v1/partners", &t).await.json()), before, "a dry run writes nothing");
        let r = app.send(csv_post("/api/v1/partners/import", &t, good)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        assert_eq!(total(app.get("/api/v1/partners", &t).await.json()), before + 2, "a clean file imports every row");
        // The same file again: every row looks like an existing partner.
        let r = app.send(csv_post("/api/v1/partners/import", &t, good)).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(r.json()["errors"][0]["detail"].as_str().unwrap_or_default().starts_with("line 2:"));
        let r = app.send(csv_post("/api/v1/partners/import", &t, "kind,colour\nngo,red\n")).await;
        assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, "colour".to_owned()));
        app
    })
    .await;
}

#[tokio::test]
async fn people_and_agreement_exports_follow_scope() {
    use calamine::Reader;
    let app = App::new(Backend::Sqlite).await;
    let vufo = app.token("vufo@demo.amity").await;
    let qn = app.token("quangnam@demo.amity").await;
    let csv = app.get("/api/v1/agreements/export.csv", &vufo).await.text();
    assert_eq!(
        csv.trim_start_matches('\u{feff}').lines().count(),
        2,
        "a header and the demo's agreement: {csv}"
    );
    assert!(
        csv.contains("Mặt trận Lào Xây dựng đất nước; Ban Dân vận Trung ương")
            && csv.contains("31/12/2025")
    );
    let theirs = app.get("/api/v1/agreements/export.csv", &qn).await.text();
    assert_eq!(
        theirs.trim_start_matches('\u{feff}').lines().count(),
        1,
        "none in Quảng Nam's scope"
    );
    let xlsx = app.get("/api/v1/people/export.xlsx", &vufo).await;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.body.clone()))
            .expect("an XLSX workbook");
    let sheet = book.worksheet_range("Cá nhân").expect("the sheet");
    let names: Vec<String> = sheet.rows().skip(1).map(|r| r[1].to_string()).collect();
    assert_eq!(
        names,
        vec!["Bùi Thị Minh Hoài", "Kawajl Takashi"],
        "in Vietnamese order"
    );
    app.done().await;
}

#[tokio::test]
async fn people_are_entered_through_the_form_with_a_first_position() {
    let app = App::new(Backend::Sqlite).await;
    let (session, csrf) = sign_in(&app, "khanhhoa@demo.amity").await;
    let cookie = format!("amity_session={session}");
    let t = app.token("khanhhoa@demo.amity").await;
    let anc = app.get("/api/v1/partners?q=anc", &t).await.json()["items"][0]["id"]
        .as_i64()
        .expect("ANC");
    let r = app
        .send(form(
            "/people/new",
            &cookie,
            &format!("csrf_token={csrf}&name=Cyril+Ramaphosa&nationality=ZZZ&title=&partner_id="),
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text().contains("nationality-error"),
        "the error sits beside the field"
    );
    let r = app.send(form("/people/new", &cookie, &format!("csrf_token={csrf}&name=Cyril+Ramaphosa&nationality=ZA&gender=male&title=Ch%E1%BB%A7+t%E1%BB%8Bch&partner_id={anc}&valid_from=18%2F12%2F2017"))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let location = r.headers[header::LOCATION]
        .to_str()
        .expect("location")
        .to_owned();
    let page = app
        .send(
            Request::get(location.as_str())
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .text();
    assert!(
        page.contains("Cyril Ramaphosa")
            && page.contains("Chủ tịch")
            && page.contains("18/12/2017"),
        "{page}"
    );
    app.done().await;
}

#[tokio::test]
async fn agreements_and_tasks_are_kept_through_the_partner_page() {
    let app = App::new(Backend::Sqlite).await;
    let (session, csrf) = sign_in(&app, "khanhhoa@demo.amity").await;
    let cookie = format!("amity_session={session}");
    let t = app.token("khanhhoa@demo.amity").await;
    let anc = app.get("/api/v1/partners?q=anc", &t).await.json()["items"][0]["id"]
        .as_i64()
        .expect("ANC");
    let r = app
        .send(form(
            &format!("/partners/{anc}/agreements"),
            &cookie,
            &format!("csrf_token={csrf}&title=&status=in_force&valid_from=&valid_to="),
        ))
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a title is needed"
    );
    let r = app.send(form(&format!("/partners/{anc}/agreements"), &cookie, &format!("csrf_token={csrf}&title=Th%E1%BB%8Fa+thu%E1%BA%ADn+Kh%C3%A1nh+H%C3%B2a+%E2%80%93+ANC&number=05%2FTT&status=in_force&valid_from=01%2F01%2F2026&valid_to=31%2F12%2F2030&other_party="))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let a = app
        .get(&format!("/api/v1/agreements?partner={anc}"), &t)
        .await
        .json()["items"][0]
        .clone();
    let r = app
        .send(form(
            &format!("/partners/{anc}/agreements/{}/tasks", a["id"]),
            &cookie,
            &format!(
                "csrf_token={csrf}&year=2026&item=Giao+l%C6%B0u+thanh+ni%C3%AAn&status=planned"
            ),
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let task = app
        .get(&format!("/api/v1/agreements/{}", a["id"]), &t)
        .await
        .json()["tasks"][0]["id"]
        .as_i64()
        .expect("task");
    let r = app
        .send(form(
            &format!("/partners/{anc}/agreements/{}/tasks/{task}", a["id"]),
            &cookie,
            &format!("csrf_token={csrf}&status=done&evidence=%C4%90o%C3%A0n+th%C3%A1ng+5"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let page = app
        .send(
            Request::get(format!("/partners/{anc}"))
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .text();
    assert!(
        page.contains("Thỏa thuận Khánh Hòa – ANC")
            && page.contains("Giao lưu thanh niên")
            && page.contains("Đoàn tháng 5"),
        "{page}"
    );
    // Quảng Nam does not see Khánh Hòa's agreement on the same page, nor change it.
    let (qn, qn_csrf) = sign_in(&app, "quangnam@demo.amity").await;
    let qn_cookie = format!("amity_session={qn}");
    let theirs = app
        .send(
            Request::get(format!("/partners/{anc}"))
                .header(header::COOKIE, &qn_cookie)
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .text();
    assert!(!theirs.contains("Thỏa thuận Khánh Hòa – ANC"));
    let r = app
        .send(form(
            &format!("/partners/{anc}/agreements/{}/tasks/{task}", a["id"]),
            &qn_cookie,
            &format!("csrf_token={qn_csrf}&status=dropped&evidence="),
        ))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    app.done().await;
}

#[tokio::test]
async fn people_are_edited_and_imported_all_or_nothing_with_duplicate_warnings() {
    each_backend(|app| async move {
        let kh = app.token("khanhhoa@demo.amity").await;
        let qn = app.token("quangnam@demo.amity").await;
        let anc = app.get("/api/v1/partners?q=anc", &kh).await.json()["items"][0]["id"].as_i64().expect("ANC");
        let total = |v: Value| v["total"].as_i64().expect("total");
        let before = total(app.get("/api/v1/people", &kh).await.json());
        let good = format!(
            "name,name_latin,gender,nationality,phone,position,partner_id,organization,position_from\n\
             Cyril Ramaphosa,,male,ZA,+27 000,Chủ tịch,{anc},,2017-12-18\n\
             Nguyễn Văn Thử,Nguyen Van Thu,male,VN,,Phó Chủ tịch,,Hội hữu nghị Việt Nam – Nam Phi,\n"
        );
        let bad = format!("{good}Người Sai,,x,VN,,,,,\n");
        let r = app.send(csv_post("/api/v1/people/import", &kh, &bad)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}: {}", app.backend, r.text());
        let e = &r.json()["errors"][0];
        assert_eq!(e["field"], "gender");
        assert!(e["detail"].as_str().unwrap_or_default().starts_with("line 4:"), "{e}");
        assert_eq!(total(app.get("/api/v1/people", &kh).await.json()), before, "nothing imported");
        let r = app.send(csv_post("/api/v1/people/import?dry_run=true", &kh, &good)).await;
        assert_eq!((r.status, r.json()["created"].as_i64()), (StatusCode::OK, Some(0)), "{}", r.text());
        let r = app.send(csv_post("/api/v1/people/import", &kh, &good)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        assert_eq!(total(app.get("/api/v1/people", &kh).await.json()), before + 2);
        let at_anc = app.get(&format!("/api/v1/people?partner={anc}"), &kh).await.json();
        assert_eq!(at_anc["items"][0]["name"], "Cyril Ramaphosa", "the row's position was recorded");
        // Again, written without marks: both rows match people already recorded.
        let again = "name,nationality\nCYRIL RAMAPHOSA,ZA\nNguyen Van Thu,VN\n";
        let r = app.send(csv_post("/api/v1/people/import", &kh, again)).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
        assert_eq!(r.json()["errors"].as_array().map(Vec::len), Some(2));
        let r = app.send(csv_post("/api/v1/people/import", &kh, "name,position_from\nA,2020-01-01\n")).await;
        assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, "position".to_owned()));

        let person = at_anc["items"][0]["id"].as_i64().expect("id");
        let path = format!("/api/v1/people/{person}");
        let audits = app.audit_total(&kh).await;
        let r = app.call(Method::PATCH, &path, Some(&kh), Some(json!({"honorific": "Ngài", "phone": null}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let changed = r.json();
        assert_eq!(
            (changed["honorific"].clone(), changed["phone"].clone(), changed["name"].clone()),
            (json!("Ngài"), Value::Null, json!("Cyril Ramaphosa"))
        );
        assert_eq!(app.audit_total(&kh).await, audits + 1, "the edit is audited");
        assert_eq!(app.call(Method::PATCH, &path, Some(&qn), Some(json!({"honorific": "X"}))).await.status, StatusCode::FORBIDDEN);
        let r = app.call(Method::PATCH, &path, Some(&kh), Some(json!({"name": "  "}))).await;
        assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, "name".to_owned()));
        assert_eq!(app.audit_total(&kh).await, audits + 1, "a refused edit changes nothing");
        app
    })
    .await;
}

#[tokio::test]
async fn agreements_are_edited_renewed_and_documented_within_scope() {
    each_backend(|app| async move {
        let kh = app.token("khanhhoa@demo.amity").await;
        let qn = app.token("quangnam@demo.amity").await;
        let anc = app.get("/api/v1/partners?q=anc", &kh).await.json()["items"][0]["id"].clone();
        let r = app
            .call(
                Method::POST,
                "/api/v1/agreements",
                Some(&kh),
                Some(json!({"title": "Thỏa thuận 2021–2025", "partners": [anc], "signed_on": "2021-03-15", "valid_from": "2021-01-01", "valid_to": "2025-12-31", "status": "in_force"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}: {}", app.backend, r.text());
        let id = r.json()["id"].as_i64().expect("id");
        let path = format!("/api/v1/agreements/{id}");
        let r = app.call(Method::PATCH, &path, Some(&kh), Some(json!({"number": "12/TTHT", "signed_place": "Nha Trang"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!((r.json()["number"].clone(), r.json()["title"].clone()), (json!("12/TTHT"), json!("Thỏa thuận 2021–2025")));
        assert_eq!(r.json()["parties"][0]["partner"]["id"], anc, "parties stay unless given");
        assert_eq!(app.call(Method::PATCH, &path, Some(&qn), Some(json!({"number": "X"}))).await.status, StatusCode::NOT_FOUND, "outside scope");
        let r = app.call(Method::PATCH, &path, Some(&kh), Some(json!({"status": "renewed"}))).await;
        assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, "status".to_owned()), "renewal is its own action");
        let r = app.call(Method::PATCH, &path, Some(&kh), Some(json!({"valid_to": "2020-01-01"}))).await;
        assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, "valid_to".to_owned()));

        let docs = format!("{path}/documents");
        let r = app.call(Method::POST, &docs, Some(&kh), Some(json!({"title": "Bản ký", "url": "ftp://x"}))).await;
        assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, "url".to_owned()));
        let r = app.call(Method::POST, &docs, Some(&kh), Some(json!({"title": "Bản ký tiếng Việt", "url": "https://example.org/tt.pdf"}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let doc = r.json()["documents"][0]["id"].as_i64().expect("document id");
        assert_eq!(app.call(Method::POST, &docs, Some(&qn), Some(json!({"title": "X"}))).await.status, StatusCode::NOT_FOUND);
        let r = app.call(Method::DELETE, &format!("{docs}/{doc}"), Some(&kh), None).await;
        assert_eq!((r.status, r.json()["documents"].as_array().map(Vec::len)), (StatusCode::OK, Some(0)));

        let renewal = json!({"title": "Thỏa thuận 2026–2030", "partners": [anc], "valid_from": "2026-01-01", "valid_to": "2030-12-31", "status": "in_force"});
        assert_eq!(app.call(Method::POST, &format!("{path}/renew"), Some(&qn), Some(renewal.clone())).await.status, StatusCode::NOT_FOUND);
        let r = app.call(Method::POST, &format!("{path}/renew"), Some(&kh), Some(renewal.clone())).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let new = r.json();
        assert_eq!(new["renews_id"], id);
        let old = app.get(&path, &kh).await.json();
        assert_eq!((old["status"].clone(), old["renewed_by_id"].clone()), (json!("renewed"), new["id"].clone()));
        assert_eq!(app.call(Method::POST, &format!("{path}/renew"), Some(&kh), Some(renewal)).await.status, StatusCode::CONFLICT, "renewed once");
        let r = app.call(Method::PATCH, &path, Some(&kh), Some(json!({"status": "expired"}))).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "a renewed agreement keeps its status");

        // Its signing (15/03/2021) comes round in 2026 — only for those who may read it.
        let signing = |v: &Value| v["items"].as_array().expect("items").iter().any(|a| a["kind"] == "agreement_signing" && a["date"] == "2026-03-15");
        let range = "/api/v1/anniversaries?from=2026-01-01&to=2026-12-31";
        assert!(signing(&app.get(range, &kh).await.json()), "five years since the signing");
        assert!(!signing(&app.get(range, &qn).await.json()), "not in Quảng Nam's calendar");

        let timeline = app.get(&format!("/api/v1/partners/{anc}/timeline"), &kh).await.json();
        let kinds: Vec<&str> = timeline["entries"].as_array().expect("entries").iter().filter_map(|e| e["kind"].as_str()).collect();
        for kind in ["agreement_signed", "agreement_starts", "agreement_ends", "recorded"] {
            assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
        }
        assert!(timeline["years"].as_array().expect("years").contains(&json!(2021)));
        let y2021 = app.get(&format!("/api/v1/partners/{anc}/timeline?year=2021"), &kh).await.json();
        let dates: Vec<&str> = y2021["entries"].as_array().expect("entries").iter().filter_map(|e| e["date"].as_str()).collect();
        assert!(!dates.is_empty() && dates.iter().all(|d| d.starts_with("2021-")), "{dates:?}");
        let theirs = app.get(&format!("/api/v1/partners/{anc}/timeline?year=2021"), &qn).await.json();
        assert_eq!(theirs["entries"].as_array().map(Vec::len), Some(0), "another union sees no agreement of Khánh Hòa's");
        app
    })
    .await;
}

#[tokio::test]
async fn partner_foundings_come_round_in_the_calendar() {
    let app = App::new(Backend::Sqlite).await;
    let t = app.token("vufo@demo.amity").await;
    let mpla = app.get("/api/v1/partners?q=mpla", &t).await.json()["items"][0]["id"].clone();
    let path = format!("/api/v1/partners/{mpla}");
    let r = app
        .call(
            Method::PATCH,
            &path,
            Some(&t),
            Some(json!({"founded": "10/1956"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(
        r.json()["founded"],
        json!({"date": "1956-10-01", "precision": "month"})
    );
    let r = app
        .call(
            Method::PATCH,
            &path,
            Some(&t),
            Some(json!({"founded": "late 1956"})),
        )
        .await;
    assert_eq!(
        (r.status, r.error_field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "founded".to_owned())
    );
    let items = app
        .get("/api/v1/anniversaries?from=2026-01-01&to=2026-12-31", &t)
        .await
        .json();
    let founding = items["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|a| a["kind"] == "partner_founding")
        .expect("MPLA's 70th")
        .clone();
    assert_eq!(
        (
            founding["years"].clone(),
            founding["major"].clone(),
            founding["date"].clone()
        ),
        (json!(70), json!(true), json!("2026-10-01"))
    );
    assert_eq!(founding["link"], format!("/partners/{mpla}"));
    let ics = app
        .get(
            "/api/v1/anniversaries.ics?from=2026-01-01&to=2026-12-31",
            &t,
        )
        .await
        .text();
    assert!(
        ics.contains(&format!("founding-{mpla}-2026@amity")),
        "the feed carries it too"
    );
    app.done().await;
}

#[tokio::test]
async fn people_and_agreements_are_edited_through_their_pages() {
    let app = App::new(Backend::Sqlite).await;
    let (session, csrf) = sign_in(&app, "vufo@demo.amity").await;
    let cookie = format!("amity_session={session}");
    let t = app.token("vufo@demo.amity").await;
    let hoai = app.get("/api/v1/people?q=hoai", &t).await.json()["items"][0]["id"]
        .as_i64()
        .expect("the demo's person");
    let r = app
        .send(form(
            &format!("/people/{hoai}/edit"),
            &cookie,
            &format!("csrf_token={csrf}&name=&nationality=VN"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text().contains("name-error"),
        "the error sits beside the field"
    );
    let r = app.send(form(&format!("/people/{hoai}/edit"), &cookie, &format!("csrf_token={csrf}&name=B%C3%B9i+Th%E1%BB%8B+Minh+Ho%C3%A0i&gender=female&nationality=VN&honorific=B%C3%A0&note=Ghi+ch%C3%BA"))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let p = app.get(&format!("/api/v1/people/{hoai}"), &t).await.json();
    assert_eq!(
        (p["honorific"].clone(), p["note"].clone()),
        (json!("Bà"), json!("Ghi chú"))
    );
    let r = app
        .send(form(
            &format!("/people/{hoai}/positions"),
            &cookie,
            &format!("csrf_token={csrf}&title=Ph%C3%B3+Ch%E1%BB%A7+t%E1%BB%8Bch&partner_id=&organization="),
        ))
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a position needs its organization"
    );
    let r = app
        .send(form(
            &format!("/people/{hoai}/positions"),
            &cookie,
            &format!(
                "csrf_token={csrf}&title=Ch%E1%BB%A7+t%E1%BB%8Bch&partner_id=&organization=Li%C3%AAn+hi%E1%BB%87p&valid_from=01%2F01%2F2021"
            ),
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());

    let lao = app.get("/api/v1/agreements", &t).await.json()["items"][0].clone();
    let id = lao["id"].as_i64().expect("id");
    let r = app
        .send(form(
            &format!("/agreements/{id}/edit"),
            &cookie,
            &format!("csrf_token={csrf}&title=X&status=in_force&valid_from=31%2F12%2F2025&valid_to=01%2F01%2F2021"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("valid_to-error"));
    let r = app
        .send(form(
            &format!("/agreements/{id}/documents"),
            &cookie,
            &format!("csrf_token={csrf}&title=V%C4%83n+b%E1%BA%A3n+k%C3%BD&url=https%3A%2F%2Fexample.org%2Fa.pdf"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let r = app.send(form(&format!("/agreements/{id}/renew"), &cookie, &format!("csrf_token={csrf}&title=Th%E1%BB%8Fa+thu%E1%BA%ADn+2026%E2%80%932030&status=in_force&valid_from=01%2F01%2F2026&valid_to=31%2F12%2F2030&named_parties=Ban+D%C3%A2n+v%E1%BA%ADn+Trung+%C6%B0%C6%A1ng"))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let location = r.headers[header::LOCATION]
        .to_str()
        .expect("location")
        .to_owned();
    let page = app
        .send(
            Request::get(location.as_str())
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .text();
    assert!(
        page.contains("Thỏa thuận 2026–2030") && page.contains(&format!("/agreements/{id}")),
        "the new one points back"
    );
    let old = app
        .get(&format!("/api/v1/agreements/{id}"), &t)
        .await
        .json();
    assert_eq!(
        (old["status"].clone(), old["documents"][0]["title"].clone()),
        (json!("renewed"), json!("Văn bản ký"))
    );
    app.done().await;
}

fn ids(v: &Value) -> Vec<i64> {
    v["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["id"].as_i64())
        .collect()
}

#[tokio::test]
async fn a_delegation_offers_only_possible_moves_takes_its_report_with_the_move_and_says_done() {
    each_backend(|app| async move {
        let kh = app.token("khanhhoa@demo.amity").await;
        let vufo = app.token("vufo@demo.amity").await;
        let next_year = chrono::Datelike::year(&chrono::Utc::now().date_naive()) + 1;
        let trip = |start: &str, end: &str| json!({
            "direction": "outbound", "title": format!("Đoàn thăm Lào {start}"), "start_on": start, "end_on": end,
            "members": [{"name": "Nguyễn Văn Trưởng", "role": "head"}],
            "legs": [{"country": "LA", "from_on": start, "to_on": end}]
        });
        let mut ids = Vec::new();
        for (start, end) in [(format!("{next_year}-03-10"), format!("{next_year}-03-15")), ("2026-03-10".to_owned(), "2026-03-15".to_owned())] {
            let r = app.call(Method::POST, "/api/v1/delegations", Some(&kh), Some(trip(&start, &end))).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
            let id = r.json()["id"].as_i64().expect("id");
            let moves = format!("/api/v1/delegations/{id}/transitions");
            assert_eq!(app.call(Method::POST, &moves, Some(&kh), Some(json!({"to": "submitted"}))).await.status, StatusCode::OK);
            assert_eq!(app.call(Method::POST, &moves, Some(&vufo), Some(json!({"to": "approved"}))).await.status, StatusCode::OK);
            ids.push(id);
        }
        let (future, past) = (ids[0], ids[1]);

        // A visit that has not begun is not offered as carried out, and is refused if asked.
        let shown = app.get(&format!("/delegations/{future}"), &kh).await.text();
        assert!(!shown.contains(r#"value="completed""#) && shown.contains(r#"value="cancelled""#), "{shown}");
        assert!(shown.contains(r#"data-confirm="Hủy đoàn này?"#) && shown.contains(r#"class="danger""#), "cancelling asks first and looks destructive");
        let r = app.call(Method::POST, &format!("/api/v1/delegations/{future}/transitions"), Some(&kh), Some(json!({"to": "completed"}))).await;
        assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, "to".to_owned()), "{}", r.text());

        // The past one is carried out; reporting takes the trip report on the same form.
        let (session, csrf) = sign_in(&app, "khanhhoa@demo.amity").await;
        let cookie = format!("amity_session={session}");
        let moves = format!("/delegations/{past}/transitions");
        let r = app.send(form(&moves, &cookie, &format!("csrf_token={csrf}&to=completed&comment="))).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let done = r.headers.get_all(header::SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).any(|v| v.starts_with("amity_done=1"));
        assert!(done, "a successful action is followed by a done notice");
        let after = Request::get(format!("/delegations/{past}")).header(header::COOKIE, format!("{cookie}; amity_done=1")).body(Body::empty()).expect("request");
        let r = app.send(after).await;
        assert!(r.text().contains(r#"class="notice done""#), "the page says it was done");
        let cleared = r.headers.get_all(header::SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).any(|v| v.starts_with("amity_done=;"));
        assert!(cleared, "and says it once");
        let shown = app.get(&format!("/delegations/{past}"), &kh).await.text();
        assert!(shown.contains(r#"name="report""#) && !shown.contains(r#"class="notice done""#), "the report move carries the report's field");
        let r = app.send(form(&moves, &cookie, &format!("csrf_token={csrf}&to=reported&comment=&outcomes=&report="))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("report-error"), "an empty report is refused beside its field");
        let r = app.send(form(&moves, &cookie, &format!("csrf_token={csrf}&to=reported&comment=&outcomes=K%C3%BD+k%E1%BA%BFt+h%E1%BB%A3p+t%C3%A1c&report=%C4%90o%C3%A0n+%C4%91%C3%A3+l%C3%A0m+vi%E1%BB%87c+v%E1%BB%9Bi+b%E1%BA%A1n"))).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let d = app.get(&format!("/api/v1/delegations/{past}"), &kh).await.json();
        assert_eq!((d["state"].clone(), d["report"].clone(), d["actual_outcomes"].clone()), (json!("reported"), json!("Đoàn đã làm việc với bạn"), json!("Ký kết hợp tác")));
        app
    })
    .await;
}

#[tokio::test]
async fn forms_take_countries_by_name_and_amounts_as_vietnamese_staff_write_them() {
    each_backend(|app| async move {
        let kh = app.token("khanhhoa@demo.amity").await;
        let (session, csrf) = sign_in(&app, "khanhhoa@demo.amity").await;
        let cookie = format!("amity_session={session}");
        let shown = app.get("/events/new", &kh).await.text();
        assert!(shown.contains(r#"<datalist id="country-names">"#) && shown.contains(r#"<option value="Lào" label="LA">"#), "names are suggested");
        assert!(shown.contains(r#"type="checkbox" name="partners""#) && !shown.contains("multiple"), "partners are ticked, not Ctrl-clicked");
        let event = |countries: &str| format!(
            "csrf_token={csrf}&type=friendship_exchange&channel=in_person&title=Giao+l%C6%B0u+Vi%E1%BB%87t+-+L%C3%A0o\
             &start_on=12%2F05%2F2026&end_on=12%2F05%2F2026&place_country=Vi%E1%BB%87t+Nam&place=Nha+Trang&participants=120\
             &foreign_participants=15&countries={countries}"
        );
        let r = app.send(form("/events/new", &cookie, &event("L%C3%A0oo"))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let again = r.text();
        assert!(again.contains("“Làoo” không phải tên một nước") && again.contains(r#"value="Làoo""#), "refused by name, kept as typed");
        let r = app.send(form("/events/new", &cookie, &event("lao%2C+Campuchia"))).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let id = r.headers[header::LOCATION].to_str().expect("location").rsplit('/').next().expect("id").to_owned();
        let e = app.get(&format!("/api/v1/events/{id}"), &kh).await.json();
        let codes: Vec<&str> = e["countries"].as_array().expect("countries").iter().filter_map(|c| c["code"].as_str()).collect();
        assert_eq!((e["place_country"]["code"].clone(), codes), (json!("VN"), vec!["LA", "KH"]), "{e}");
        let edit = app.get(&format!("/events/{id}/edit"), &kh).await.text();
        assert!(edit.contains(r#"value="Việt Nam""#), "the edit form shows names, not codes");

        let trip = |budget: &str| format!(
            "csrf_token={csrf}&direction=inbound&title=%C4%90o%C3%A0n+M%E1%BA%B7t+tr%E1%BA%ADn+L%C3%A0o&start_on=10%2F06%2F2026&end_on=12%2F06%2F2026\
             &head=Sengphet&members=&leg_country=Vi%E1%BB%87t+Nam&leg_city=Nha+Trang&leg_from=10%2F06%2F2026&leg_to=12%2F06%2F2026\
             &budget_amount={budget}&budget_currency=VND&rate_to_vnd="
        );
        let r = app.send(form("/delegations/new", &cookie, &trip("1%2C200.50+USD"))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("viết như 50.000.000"), "the English way is refused with how to write it");
        let r = app.send(form("/delegations/new", &cookie, &trip("50.000.000"))).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let id = r.headers[header::LOCATION].to_str().expect("location").rsplit('/').next().expect("id").to_owned();
        let d = app.get(&format!("/api/v1/delegations/{id}"), &kh).await.json();
        assert_eq!((d["budget_vnd"].clone(), d["legs"][0]["country"].clone()), (json!("50000000"), json!("VN")), "{d}");
        // Lists filter by a country typed by name too.
        let list = app.get("/delegations?country=vi%E1%BB%87t+nam", &kh).await.text();
        assert!(list.contains("Đoàn Mặt trận Lào") && list.contains(r#"value="Việt Nam""#), "{list}");
        let list = app.get("/events?country=Campuchia", &kh).await.text();
        assert!(list.contains("Giao lưu Việt - Lào") && list.contains(r#"value="Campuchia""#), "{list}");
        app
    })
    .await;
}

#[tokio::test]
async fn delegations_move_through_approval_decided_by_the_right_people() {
    each_backend(|app| async move {
        let kh = app.token("khanhhoa@demo.amity").await;
        let head = app.token("head.khanhhoa@demo.amity").await;
        let vufo = app.token("vufo@demo.amity").await;
        let qn = app.token("quangnam@demo.amity").await;
        let lao_front = app.get("/api/v1/partners?country=LA", &kh).await.json()["items"][0]["id"].clone();
        let trip = json!({
            "direction": "outbound", "title": "Đoàn Liên hiệp Khánh Hòa thăm Lào", "purpose": "Giao lưu hữu nghị",
            "start_on": "2026-03-10", "end_on": "2026-03-15",
            "budget": {"amount": "5000", "currency": "USD", "rate_to_vnd": "25400"},
            "members": [{"name": "Nguyễn Văn Trưởng", "nationality": "VN", "role": "head"}, {"name": "Trần Thị Thành Viên", "role": "member"}],
            "legs": [{"country": "LA", "city": "Viêng Chăn", "from_on": "2026-03-10", "to_on": "2026-03-15"}],
            "partners": [lao_front]
        });
        let audits = app.audit_total(&vufo).await;
        for (patch, field) in [
            (json!({"direction": null}), "direction"),
            (json!({"end_on": "2026-03-01"}), "end_on"),
            (json!({"legs": [{"country": "LA", "from_on": "2026-04-01", "to_on": "2026-04-02"}]}), "legs"),
            (json!({"legs": [{"country": "XX", "from_on": "2026-03-10", "to_on": "2026-03-11"}]}), "legs"),
            (json!({"budget": {"amount": "5000", "currency": "USD"}}), "budget"),
            (json!({"budget": {"amount": "-1", "currency": "VND"}}), "budget"),
            (json!({"members": [{"name": "A", "role": "head"}, {"name": "B", "role": "head"}]}), "members"),
            (json!({"colour": "red"}), "colour"),
        ] {
            let mut body = trip.clone();
            for (k, v) in patch.as_object().expect("object") {
                if v.is_null() { body.as_object_mut().expect("object").remove(k); } else { body[k] = v.clone(); }
            }
            let r = app.call(Method::POST, "/api/v1/delegations", Some(&kh), Some(body)).await;
            assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, field.to_owned()), "{:?} {patch}: {}", app.backend, r.text());
        }
        assert_eq!(app.audit_total(&vufo).await, audits, "refused requests change nothing (no person added either)");
        let r = app.call(Method::POST, "/api/v1/delegations", Some(&kh), Some(trip.clone())).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let d = r.json();
        assert_eq!((d["state"].clone(), d["budget_vnd"].clone(), d["members"][0]["role"].clone()), (json!("draft"), json!("127000000"), json!("head")));
        let id = d["id"].as_i64().expect("id");
        let moves = format!("/api/v1/delegations/{id}/transitions");
        let to = |state: &str, comment: Option<&str>| json!({"to": state, "comment": comment});

        let r = app.call(Method::POST, &moves, Some(&kh), Some(to("approved", None))).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "a draft is not approved before it is submitted: {}", r.text());
        let r = app.call(Method::POST, &moves, Some(&kh), Some(to("submitted", None))).await;
        assert_eq!((r.status, r.json()["state"].clone()), (StatusCode::OK, json!("submitted")), "{}", r.text());
        let before = app.audit_total(&vufo).await;
        assert_eq!(app.call(Method::POST, &moves, Some(&kh), Some(to("completed", None))).await.status, StatusCode::CONFLICT);
        assert_eq!(app.call(Method::POST, &moves, Some(&kh), Some(to("flying", None))).await.error_field(), "to");
        assert_eq!(app.call(Method::POST, &moves, Some(&kh), Some(to("approved", None))).await.status, StatusCode::FORBIDDEN, "outbound requests are central staff's to decide");
        assert_eq!(app.call(Method::POST, &moves, Some(&head), Some(to("approved", None))).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.get(&format!("/api/v1/delegations/{id}"), &qn).await.status, StatusCode::NOT_FOUND, "outside scope");
        assert_eq!(app.audit_total(&vufo).await, before, "refused moves change nothing");
        let waiting = app.get("/api/v1/delegations/awaiting-decision", &vufo).await.json();
        assert!(ids(&waiting).contains(&id), "central staff see what waits for them");
        assert!(ids(&app.get("/api/v1/delegations/awaiting-decision", &kh).await.json()).is_empty());

        let month = format!("/api/v1/activity-totals?unit={}&from=2026-03&to=2026-03", d["owner_unit_id"]);
        assert_eq!(app.get(&month, &kh).await.json()["metrics"]["delegations_out:submitted"], 1);
        let r = app.call(Method::POST, &moves, Some(&vufo), Some(to("approved", Some("Đồng ý")))).await;
        assert_eq!((r.status, r.json()["state"].clone()), (StatusCode::OK, json!("approved")), "{}", r.text());
        let totals = app.get(&month, &kh).await.json();
        assert_eq!((totals["metrics"]["delegations_out:approved"].clone(), totals["metrics"]["delegations_out:submitted"].clone()), (json!(1), Value::Null), "no longer counted as submitted");
        assert_eq!(totals["countries_reached"], 1, "{totals}");

        let path = format!("/api/v1/delegations/{id}");
        assert_eq!(app.call(Method::PATCH, &path, Some(&kh), Some(json!({"title": "Khác"}))).await.status, StatusCode::CONFLICT, "approved details are locked");
        assert_eq!(app.call(Method::POST, &moves, Some(&kh), Some(to("completed", None))).await.status, StatusCode::OK);
        let r = app.call(Method::POST, &moves, Some(&kh), Some(to("reported", None))).await;
        assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, "report".to_owned()), "the report comes first");
        let r = app.call(Method::PATCH, &path, Some(&kh), Some(json!({"report": "Đoàn đã hoàn thành chương trình.", "actual_outcomes": "Ký biên bản ghi nhớ"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let r = app.call(Method::POST, &moves, Some(&kh), Some(to("reported", None))).await;
        assert_eq!(r.json()["state"], "reported");
        assert_eq!(r.json()["moves"].as_array().map(Vec::len), Some(4));
        assert_eq!(app.call(Method::POST, &moves, Some(&kh), Some(to("cancelled", None))).await.status, StatusCode::CONFLICT, "only open ones are cancelled");

        // A return sends it back to draft with the reviewer's word.
        let r = app.call(Method::POST, "/api/v1/delegations", Some(&kh), Some(trip.clone())).await;
        let second = r.json()["id"].as_i64().expect("id");
        let moves2 = format!("/api/v1/delegations/{second}/transitions");
        app.call(Method::POST, &moves2, Some(&kh), Some(to("submitted", None))).await;
        assert_eq!(app.call(Method::POST, &moves2, Some(&vufo), Some(to("returned", None))).await.error_field(), "comment");
        let r = app.call(Method::POST, &moves2, Some(&vufo), Some(to("returned", Some("Bổ sung dự toán")))).await;
        assert_eq!((r.json()["state"].clone(), r.json()["review_comment"].clone()), (json!("draft"), json!("Bổ sung dự toán")));
        let audit = app.get(&format!("/api/v1/audit?entity_type=delegation&entity_id={second}"), &vufo).await.json();
        assert!(audit.to_string().contains("Bổ sung dự toán"), "the move and its comment are audited");

        // Inbound: the hosting unit's head decides.
        let visit = json!({"direction": "inbound", "title": "Đoàn JVPF thăm Khánh Hòa", "start_on": "2026-05-04", "end_on": "2026-05-06",
            "members": [{"name": "Kawaji Takashi", "nationality": "JP", "role": "head"}], "legs": [{"country": "VN", "city": "Nha Trang", "from_on": "2026-05-04", "to_on": "2026-05-06"}]});
        let r = app.call(Method::POST, "/api/v1/delegations", Some(&kh), Some(visit)).await;
        let inbound = r.json()["id"].as_i64().expect("id");
        let moves3 = format!("/api/v1/delegations/{inbound}/transitions");
        app.call(Method::POST, &moves3, Some(&kh), Some(to("submitted", None))).await;
        assert_eq!(app.call(Method::POST, &moves3, Some(&vufo), Some(to("approved", None))).await.status, StatusCode::FORBIDDEN);
        assert!(ids(&app.get("/api/v1/delegations/awaiting-decision", &head).await.json()).contains(&inbound));
        assert_eq!(app.call(Method::POST, &moves3, Some(&head), Some(to("approved", None))).await.status, StatusCode::OK);

        let list = app.get("/api/v1/delegations?direction=outbound&year=2026&country=LA", &vufo).await.json();
        assert_eq!(list["total"], 2);
        assert_eq!(app.get("/api/v1/delegations?state=reported", &qn).await.json()["total"], 0, "scope applies to lists");
        assert_eq!(app.get("/api/v1/delegations?state=landed", &kh).await.error_field(), "state");
        assert_eq!(app.get("/api/v1/delegations?sort=budget", &kh).await.error_field(), "sort");
        let csv = app.get("/api/v1/delegations/export.csv?state=reported", &kh).await.text();
        assert!(csv.contains("Đoàn Liên hiệp Khánh Hòa thăm Lào") && csv.contains("Nguyễn Văn Trưởng") && csv.lines().count() == 2, "{csv}");
        let timeline = app.get(&format!("/api/v1/partners/{lao_front}/timeline?year=2026"), &kh).await.json();
        assert!(timeline["entries"].as_array().expect("entries").iter().any(|e| e["kind"] == "delegation" && e["link"] == format!("/delegations/{id}")), "{timeline}");
        let theirs = app.get(&format!("/api/v1/partners/{lao_front}/timeline?year=2026"), &qn).await.json();
        assert!(!theirs.to_string().contains("/delegations/"), "another union's timeline leaves it out");
        let ics = app.get("/api/v1/calendar.ics?from=2026-01-01&to=2026-12-31", &kh).await.text();
        assert!(ics.contains(&format!("delegation-{id}@amity")) && ics.contains(&format!("delegation-{inbound}@amity")), "{ics}");
        assert!(!app.get("/api/v1/calendar.ics?from=2026-01-01&to=2026-12-31", &qn).await.text().contains("delegation-"), "the feed follows scope");
        app
    })
    .await;
}

#[tokio::test]
async fn events_keep_the_live_totals_in_step() {
    each_backend(|app| async move {
        let kh = app.token("khanhhoa@demo.amity").await;
        let qn = app.token("quangnam@demo.amity").await;
        let unit = app.get("/api/v1/events?per_page=1", &kh).await;
        assert_eq!(unit.status, StatusCode::OK);
        let contest = json!({"type": "contest", "channel": "hybrid", "title": "Cuộc thi tiếng Trung", "start_on": "2026-04-20", "end_on": "2026-04-20",
            "place_country": "VN", "place": "Nha Trang", "participants": 120, "foreign_participants": 15, "countries": ["CN"]});
        for (patch, field) in [
            (json!({"type": "party"}), "type"),
            (json!({"foreign_participants": 500}), "foreign_participants"),
            (json!({"end_on": "2026-04-01"}), "end_on"),
            (json!({"countries": ["ZZ"]}), "countries"),
            (json!({"title": " "}), "title"),
        ] {
            let mut body = contest.clone();
            for (k, v) in patch.as_object().expect("object") { body[k] = v.clone(); }
            let r = app.call(Method::POST, "/api/v1/events", Some(&kh), Some(body)).await;
            assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, field.to_owned()), "{:?} {patch}: {}", app.backend, r.text());
        }
        let r = app.call(Method::POST, "/api/v1/events", Some(&kh), Some(contest)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let e = r.json();
        let path = format!("/api/v1/events/{}", e["id"]);
        let month = format!("/api/v1/activity-totals?unit={}&from=2026-04&to=2026-04", e["owner_unit_id"]);
        let totals = app.get(&month, &kh).await.json();
        assert_eq!((totals["metrics"]["events:contest"].clone(), totals["metrics"]["participants"].clone(), totals["countries_reached"].clone()), (json!(1), json!(120), json!(1)));
        let r = app.call(Method::PATCH, &path, Some(&kh), Some(json!({"participants": 150, "start_on": "2026-05-02", "end_on": "2026-05-02"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(app.get(&month, &kh).await.json()["metrics"].as_object().map(|m| m.len()), Some(0), "April is empty once it moved");
        let may = format!("/api/v1/activity-totals?unit={}&from=2026-05&to=2026-05", e["owner_unit_id"]);
        assert_eq!(app.get(&may, &kh).await.json()["metrics"]["participants"], 150);
        assert_eq!(app.call(Method::PATCH, &path, Some(&qn), Some(json!({"participants": 1}))).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get(&may, &qn).await.status, StatusCode::FORBIDDEN, "another union's totals are out of scope");
        let xlsx = app.get("/api/v1/events/export.xlsx?type=contest&year=2026", &kh).await;
        assert_eq!(xlsx.status, StatusCode::OK);
        assert!(xlsx.body.starts_with(b"PK"), "an XLSX workbook");
        // An event recorded as serving an agreement's task is the task's evidence.
        let anc = app.get("/api/v1/partners?q=anc", &kh).await.json()["items"][0]["id"].clone();
        let agreement = app.call(Method::POST, "/api/v1/agreements", Some(&kh), Some(json!({"title": "Thỏa thuận thử", "partners": [anc], "status": "in_force"}))).await.json();
        let with_task = app.call(Method::POST, &format!("/api/v1/agreements/{}/tasks", agreement["id"]), Some(&kh), Some(json!({"year": chrono::Datelike::year(&chrono::Utc::now()), "item": "Giao lưu thanh niên"}))).await.json();
        let task = with_task["tasks"][0]["id"].clone();
        let pending = |v: &Value| v["tasks_without_evidence"].as_array().expect("list").iter().any(|t| t[2]["id"] == task);
        assert!(pending(&app.get("/api/v1/agreements/reminders", &kh).await.json()));
        let r = app.call(Method::PATCH, &path, Some(&kh), Some(json!({"tasks": [task]}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let served = app.get(&format!("/api/v1/agreements/{}", agreement["id"]), &kh).await.json();
        assert_eq!(served["tasks"][0]["served_by"][0]["link"], format!("/events/{}", e["id"]));
        assert!(!pending(&app.get("/api/v1/agreements/reminders", &kh).await.json()), "the event counts as evidence");
        let theirs = app.call(Method::POST, "/api/v1/events", Some(&qn), Some(json!({"type": "training", "title": "X", "start_on": "2024-01-01", "tasks": [task]}))).await;
        assert_eq!((theirs.status, theirs.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, "tasks".to_owned()), "another union's task is out of reach");
        assert_eq!(app.call(Method::DELETE, &path, Some(&kh), None).await.status, StatusCode::NO_CONTENT);
        assert_eq!(app.get(&may, &kh).await.json()["metrics"].as_object().map(|m| m.len()), Some(0), "a deleted event leaves the totals");
        app
    })
    .await;
}

/// A member named on a delegation is the person already recorded by that name, whether the
/// delegation comes through the API or the form: the same name never makes two people.
#[tokio::test]
async fn a_members_name_finds_the_person_already_recorded() {
    each_backend(|app| async move {
        let kh = app.token("khanhhoa@demo.amity").await;
        let trip = |title: &str| {
            json!({
                "direction": "outbound", "title": title, "start_on": "2026-09-01",
                "end_on": "2026-09-03",
                "members": [{"name": "Phạm Thị Đoàn Viên", "nationality": "VN", "role": "head"}],
                "legs": [{"country": "LA", "from_on": "2026-09-01", "to_on": "2026-09-03"}]
            })
        };
        let mut people = Vec::new();
        for title in ["Đoàn thứ nhất", "Đoàn thứ hai"] {
            let r = app
                .call(
                    Method::POST,
                    "/api/v1/delegations",
                    Some(&kh),
                    Some(trip(title)),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
            people.push(r.json()["members"][0]["person_id"].clone());
        }
        assert_eq!(people[0], people[1], "{:?}", app.backend);
        let found = app
            .get("/api/v1/people?q=pham+thi+doan+vien", &kh)
            .await
            .json();
        assert_eq!(found["total"], 1, "{found}");
        app
    })
    .await;
}

/// A long list pages through its results keeping what was asked: the search's words and the
/// audit trail's filters stay on the pager's links.
#[tokio::test]
async fn list_pages_keep_their_query_on_the_pager() {
    each_backend(|app| async move {
        let (session, _) = sign_in(&app, "admin@demo.amity").await;
        let cookie = format!("amity_session={session}");
        let get = |path: &str| {
            Request::get(path)
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .expect("request")
        };
        let found = app.send(get("/search?q=huu+nghi")).await.text();
        assert!(
            found.contains("href=\"?q=huu%20nghi&amp;page=2\""),
            "{found}"
        );
        let second = app.send(get("/search?q=huu+nghi&page=2")).await.text();
        assert!(second.contains("href=\"?q=huu%20nghi&amp;page=1\"") && second.contains("2 / "));
        // The search's hits link to their records' pages, a country by its code.
        let admin = app.token("admin@demo.amity").await;
        let hits = app
            .get("/api/v1/search?q=lao&per_page=100", &admin)
            .await
            .json();
        let url_of = |kind: &str| {
            hits["items"]
                .as_array()
                .expect("items")
                .iter()
                .find(|h| h["entity_type"] == kind)
                .map(|h| (h["entity_id"].clone(), h["url"].clone()))
        };
        assert_eq!(
            url_of("country").map(|(_, u)| u),
            Some(json!("/countries/LA")),
            "{hits}"
        );
        let (id, url) = url_of("partner").expect("a partner in Laos");
        assert_eq!(url, json!(format!("/partners/{id}")));
        assert!(
            found.contains("href=\"/org-units/"),
            "units link to their page"
        );
        // The holidays' year pager stops where the table does: no link to a year it refuses.
        let first = app.send(get("/holidays?year=1990")).await.text();
        assert!(
            !first.contains("year=1989") && first.contains("year=1991"),
            "{first}"
        );
        let trail = app.send(get("/audit?actor=")).await.text();
        assert!(trail.contains("actor=&amp;page=2"), "{trail}");
        app
    })
    .await;
}

/// A review conference held "in person combined with online at the bridge points" records its
/// format and how many sites it connected, through the API and the form alike.
#[tokio::test]
async fn events_record_their_format_and_connected_sites() {
    each_backend(|app| async move {
        let kh = app.token("khanhhoa@demo.amity").await;
        let vufo = app.token("vufo@demo.amity").await;
        let presidium = app
            .get("/api/v1/events?year=2022&q=doan+chu+tich", &vufo)
            .await
            .json();
        assert_eq!(
            presidium["total"], 1,
            "the demo's hybrid conference of 2022: {presidium}"
        );
        assert_eq!(
            (
                presidium["items"][0]["channel"].clone(),
                presidium["items"][0]["connected_sites"].clone()
            ),
            (json!("hybrid"), Value::Null),
            "held in person and online; the article does not count the sites"
        );
        let audit = app.audit_total(&kh).await;
        let conference = json!({"type": "conference", "channel": "hybrid", "connected_sites": 11,
            "title": "Hội nghị tổng kết Cụm 3", "start_on": "2026-01-11", "participants": 80});
        for (patch, field) in [
            (json!({"channel": "in_person"}), "connected_sites"),
            (json!({"connected_sites": 0}), "connected_sites"),
            (json!({"start_on": "11/01/2026"}), "start_on"),
        ] {
            let mut body = conference.clone();
            for (k, v) in patch.as_object().expect("object") {
                body[k] = v.clone();
            }
            let r = app
                .call(Method::POST, "/api/v1/events", Some(&kh), Some(body))
                .await;
            assert_eq!(
                (r.status, r.error_field()),
                (StatusCode::UNPROCESSABLE_ENTITY, field.to_owned()),
                "{:?} {patch}: {}",
                app.backend,
                r.text()
            );
        }
        assert_eq!(
            app.audit_total(&kh).await,
            audit,
            "nothing refused was written"
        );
        let r = app
            .call(Method::POST, "/api/v1/events", Some(&kh), Some(conference))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let e = r.json();
        assert_eq!(
            (e["channel"].clone(), e["connected_sites"].clone()),
            (json!("hybrid"), json!(11))
        );
        let path = format!("/api/v1/events/{}", e["id"]);
        let r = app
            .call(
                Method::PATCH,
                &path,
                Some(&kh),
                Some(json!({"participants": 95})),
            )
            .await;
        assert_eq!(
            r.json()["connected_sites"],
            11,
            "a PATCH keeps what it does not name"
        );
        let r = app
            .call(
                Method::PATCH,
                &path,
                Some(&kh),
                Some(json!({"channel": "in_person", "connected_sites": null})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["connected_sites"], Value::Null);

        // The form: a count of sites for an in-person event is refused beside its field, and
        // everything typed stays on the form.
        let (session, csrf) = sign_in(&app, "khanhhoa@demo.amity").await;
        let cookie = format!("amity_session={session}");
        let body = |channel: &str, sites: &str| {
            format!(
                "csrf_token={csrf}&type=conference&channel={channel}&connected_sites={sites}\
                 &title=H%E1%BB%99i+ngh%E1%BB%8B+s%C6%A1+k%E1%BA%BFt&start_on=15%2F07%2F2026\
                 &end_on=&place_country=VN&place=Nha+Trang&participants=60&foreign_participants=0\
                 &countries=&description=&results="
            )
        };
        let r = app
            .send(form("/events/new", &cookie, &body("in_person", "7")))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let page = r.text();
        assert!(
            page.contains("id=\"connected_sites-error\""),
            "the problem stands beside the field"
        );
        assert!(
            page.contains("Chỉ sự kiện trực tuyến hoặc kết hợp mới có điểm cầu"),
            "and says what to do in the reader's language"
        );
        assert!(
            !page.contains("only an online or hybrid event"),
            "no English on a Vietnamese page"
        );
        assert!(
            page.contains("value=\"7\"") && page.contains("Hội nghị sơ kết"),
            "what was typed stays"
        );
        let r = app
            .send(form("/events/new", &cookie, &body("online", "7")))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let location = r.headers[header::LOCATION]
            .to_str()
            .expect("location")
            .to_owned();
        let shown = app
            .send(
                Request::get(&location)
                    .header(header::COOKIE, &cookie)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await
            .text();
        assert!(
            shown.contains("Số điểm cầu") && shown.contains("<dd>7</dd>"),
            "{shown}"
        );
        // A record out of reach is the error page, in the reader's language, with the header.
        let missing = app
            .send(
                Request::get("/events/999999")
                    .header(header::COOKIE, &cookie)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        let text = missing.text();
        assert!(
            text.contains("Không tìm thấy") && text.contains("/logout"),
            "{text}"
        );
        assert!(
            text.contains("Không tìm thấy mục này") && !text.contains("event not found"),
            "said in the reader's language: {text}"
        );
        app
    })
    .await;
}

fn upload(path: &str, token: &str, file_name: &str, bytes: &[u8]) -> Request<Body> {
    let boundary = "amity-test-boundary";
    let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .expect("request")
}

#[tokio::test]
async fn a_download_longer_than_a_page_holds_every_row_once() {
    each_backend(|app| async move {
        let spec = amity_store::generate::GenSpec {
            provinces: 2,
            years: 1,
            per_unit_year: 0,
            activities: false,
            associations: 0,
            records: 6000,
            ngos: 0,
            aid_per_unit_year: 0,
        };
        amity_store::generate::generate(&app.db.db, spec, |_, _| {})
            .await
            .expect("generated");
        let vufo = app.token("vufo@demo.amity").await;
        let total = app
            .get("/api/v1/delegations?per_page=1", &vufo)
            .await
            .json()["total"]
            .as_u64()
            .expect("total");
        assert!(total > 2 * amity_web::export::EXPORT_PAGE, "{total}");
        let csv = app
            .get("/api/v1/delegations/export.csv?sort=start_on", &vufo)
            .await;
        assert_eq!(csv.status, StatusCode::OK);
        let text = csv.text();
        let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let ids: Vec<String> = reader
            .records()
            .map(|r| r.expect("a CSV row")[0].to_owned())
            .collect();
        let unique: std::collections::BTreeSet<&String> = ids.iter().collect();
        assert_eq!(
            (ids.len() as u64, unique.len() as u64),
            (total, total),
            "every row, once"
        );
        let xlsx = app.get("/api/v1/delegations/export.xlsx", &vufo).await;
        assert_eq!(xlsx.status, StatusCode::OK);
        assert!(xlsx.body.starts_with(b"PK"), "a workbook");
        app
    })
    .await;
}

#[tokio::test]
async fn input_is_bounded_and_checked_before_it_reaches_the_records() {
    let app = App::new(Backend::Sqlite).await;
    let kh = app.token("khanhhoa@demo.amity").await;
    let audit = app.audit_total(&kh).await;
    let event = |title: Value, start: &str| json!({"type": "training", "title": title, "start_on": start, "participants": 30});
    let refused = |r: &Reply| {
        (
            r.status,
            r.error_field(),
            r.json()["errors"][0]["detail"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        )
    };
    let r = app
        .call(
            Method::POST,
            "/api/v1/events",
            Some(&kh),
            Some(json!([event(json!("Tập huấn"), "2026-06-01")])),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a body is an object: {}",
        r.text()
    );
    let r = app
        .call(
            Method::POST,
            "/api/v1/events",
            Some(&kh),
            Some(event(json!("Tập\u{0}huấn\u{1b}[31m"), "2026-06-01")),
        )
        .await;
    let (status, field, detail) = refused(&r);
    assert_eq!(
        (status, field.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "title"),
        "{detail}"
    );
    assert!(detail.contains("control characters"), "{detail}");
    let r = app
        .call(
            Method::POST,
            "/api/v1/events",
            Some(&kh),
            Some(event(json!("a".repeat(20_001)), "2026-06-01")),
        )
        .await;
    let (status, field, detail) = refused(&r);
    assert_eq!(
        (status, field.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "title")
    );
    assert!(detail.contains("20,000"), "the limit is named: {detail}");
    let r = app
        .call(
            Method::POST,
            "/api/v1/events",
            Some(&kh),
            Some(event(json!("Tập huấn"), "1850-06-01")),
        )
        .await;
    assert_eq!(
        (r.status, r.error_field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "start_on".to_owned()),
        "{}",
        r.text()
    );
    let trip = json!({"direction": "outbound", "title": "Đoàn", "start_on": "2026-03-10", "end_on": "2026-03-12",
        "members": [{"name": "Nguyễn\u{7}Văn A", "role": "head"}], "legs": [{"country": "LA", "from_on": "2026-03-10", "to_on": "2026-03-12"}]});
    let r = app
        .call(Method::POST, "/api/v1/delegations", Some(&kh), Some(trip))
        .await;
    assert_eq!(
        (r.status, r.error_field()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "members[0].name".to_owned()
        ),
        "{}",
        r.text()
    );
    assert_eq!(
        app.audit_total(&kh).await,
        audit,
        "nothing refused was kept"
    );

    // A page form: what cannot be typed is dropped, the rest kept.
    let (session, csrf) = sign_in(&app, "khanhhoa@demo.amity").await;
    let r = app.send(form("/events/new", &format!("amity_session={session}"), &format!("csrf_token={csrf}&type=training&title=T%E1%BA%ADp%00+hu%E1%BA%A5n+NUL&start_on=01%2F06%2F2026&participants=30"))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let listed = app.get("/api/v1/events?q=NUL", &kh).await.json();
    assert_eq!(
        listed["items"][0]["title"],
        json!("Tập huấn NUL"),
        "{listed}"
    );
    let r = app.send(form("/events/new", &format!("amity_session={session}"), &format!("csrf_token={csrf}&type=training&title=C%C5%A9&start_on=01%2F06%2F1850&participants=30"))).await;
    assert!(
        r.status == StatusCode::UNPROCESSABLE_ENTITY && r.text().contains("1900–2200"),
        "{}",
        r.text()
    );
    app.done().await;
}

/// The mark every record made outside the walking roles' scope carries, in a field each
/// reader outside it must never see.
const SECRET: &str = "R1-NGOAI-PHAM-VI";

#[tokio::test]
async fn no_route_gives_a_role_what_lies_outside_its_scope() {
    each_backend(|app| async move {
        let vufo = app.token("vufo@demo.amity").await;
        // Records of Hà Nội's union, outside every provincial and association account's scope.
        let hn = app.unit_by_code(&vufo, "01", "2025-07-01").await["id"].as_i64().expect("Hà Nội");
        let anc = app.get("/api/v1/partners?q=ANC", &vufo).await.json()["items"][0]["id"].clone();
        let mut ids: Vec<(&str, i64)> = Vec::new();
        let made = |r: Reply| { assert!(r.status.is_success(), "{}", r.text()); r.json()["id"].as_i64().expect("id") };
        let trip = json!({"direction": "outbound", "title": format!("Đoàn {SECRET}"), "start_on": "2026-03-10", "end_on": "2026-03-12", "owner_unit_id": hn,
            "members": [{"name": "Trần Văn Bí Mật", "role": "head"}], "legs": [{"country": "LA", "from_on": "2026-03-10", "to_on": "2026-03-12"}]});
        let delegation = made(app.call(Method::POST, "/api/v1/delegations", Some(&vufo), Some(trip)).await);
        ids.push(("delegations", delegation));
        ids.push(("events", made(app.call(Method::POST, "/api/v1/events", Some(&vufo), Some(json!({"type": "training", "title": format!("Tập huấn {SECRET}"), "start_on": "2026-04-01", "participants": 20, "owner_unit_id": hn}))).await)));
        ids.push(("agreements", made(app.call(Method::POST, "/api/v1/agreements", Some(&vufo), Some(json!({"title": format!("Thỏa thuận {SECRET}"), "partners": [anc], "valid_from": "2024-01-01", "valid_to": "2028-12-31", "status": "in_force", "owner_unit_id": hn}))).await)));
        ids.push(("people", made(app.call(Method::POST, "/api/v1/people", Some(&vufo), Some(json!({"name": "Lê Thị Liên Lạc", "email": format!("{}@example.org", SECRET.to_lowercase()), "phone": "0900000001", "owner_unit_id": hn}))).await)));
        let any = app.get("/api/v1/aid/projects?per_page=1", &vufo).await.json()["items"][0]["id"].clone();
        let ngo_partner = app.get(&format!("/api/v1/aid/projects/{any}"), &vufo).await.json()["organizations"][0]["partner_id"].clone();
        let project = json!({"code": "HN-R1-26", "title_vi": format!("Dự án {SECRET}"), "unit_id": hn, "status": "implementation",
            "planned_start": "2026-01-01", "planned_end": "2027-12-31", "organizations": [{"partner_id": ngo_partner, "role": "funding"}],
            "sectors": [{"key": "14030", "percent": 100}], "provinces": [{"key": hn, "percent": 100}]});
        ids.push(("projects", made(app.call(Method::POST, "/api/v1/aid/projects", Some(&vufo), Some(project)).await)));
        let r = app.send(upload(&format!("/api/v1/delegations/{delegation}/attachments"), &vufo, &format!("{SECRET}.pdf"), b"%PDF-1.4 mat")).await;
        ids.push(("attachments", made(r)));
        let applications = app.get("/api/v1/applications", &vufo).await.json();
        let theirs = applications["items"].as_array().expect("items").iter().find(|a| a["partner_name"].as_str().is_some_and(|n| !n.contains("Giáo dục"))).cloned().expect("the other NGO's application");
        let application = theirs["id"].as_i64().expect("id");
        assert_eq!(app.call(Method::POST, &format!("/api/v1/applications/{application}/notes"), Some(&vufo), Some(json!({"note": format!("Nội bộ {SECRET}")}))).await.status, StatusCode::OK);
        ids.push(("applications", application));
        let audit = app.audit_total(&vufo).await;
        let found = app.get("/api/v1/search?q=ngoai%20pham", &vufo).await.text();
        assert!(found.contains(SECRET), "the words of the mark find the records in scope: {found}");

        let table = amity_web::routes::route_table();
        let kind_of = |path: &str| -> Vec<i64> {
            let found: Vec<i64> = ids.iter().filter(|(k, _)| path.contains(&format!("/{k}/")) || (*k == "attachments" && path.contains("/files/"))).map(|(_, id)| *id).collect();
            if found.is_empty() { vec![hn] } else { found }
        };
        let mut requests = 0;
        for email in ["khanhhoa@demo.amity", "head.khanhhoa@demo.amity", "quangnam@demo.amity", "vietlao@demo.amity", "ngo@demo.amity", "viewer@demo.amity"] {
            let token = app.token(email).await;
            let reads_everything = email.starts_with("viewer");
            for path in &table.protected {
                for id in kind_of(path) {
                    let concrete = path.replace("{id}", &id.to_string()).replace("{year}", "2026").replace("{code}", "01");
                    // Searched for by words of the mark (a page shows the words searched for).
                    for query in ["", "?q=ngoai%20pham"] {
                        let r = app.send_unchecked(Request::get(format!("{concrete}{query}")).header(header::AUTHORIZATION, format!("Bearer {token}")).body(Body::empty()).expect("request")).await;
                        requests += 1;
                        let shown = r.text();
                        let leaked = shown.contains(SECRET) || shown.contains(&SECRET.to_lowercase());
                        // A reader of the whole federation sees the records, never the office's notes.
                        let allowed = reads_everything && !shown.contains(&format!("Nội bộ {SECRET}"));
                        assert!(!leaked || allowed, "{email} GET {concrete}{query} → {}: {shown:.300}", r.status);
                    }
                    if path.contains("{id}") {
                        for method in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
                            let r = app.send_unchecked(Request::builder().method(method.clone()).uri(&concrete).header(header::AUTHORIZATION, format!("Bearer {token}")).header(header::CONTENT_TYPE, "application/json").body(Body::from("{}")).expect("request")).await;
                            requests += 1;
                            assert!(!r.status.is_success() && !r.status.is_redirection(), "{email} {method} {concrete} was accepted: {}", r.status);
                        }
                    }
                }
            }
        }
        assert!(requests > 1000, "{requests}");
        assert_eq!(app.audit_total(&vufo).await, audit, "no write outside its scope was accepted");
        app
    })
    .await;
}

#[tokio::test]
async fn the_short_registers_page_like_every_collection() {
    let app = App::living(Backend::Sqlite).await;
    let vufo = app.token("vufo@demo.amity").await;
    let r = app
        .call(
            Method::POST,
            "/api/v1/work-plans",
            Some(&vufo),
            Some(json!({"year": 2026, "title": "Kế hoạch công tác năm 2026"})),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text());
    for name in ["Nguyễn Văn An", "Trần Thị Bình"] {
        let r = app.call(Method::POST, "/api/v1/awards", Some(&vufo), Some(json!({"award_type": "certificate", "year": 2025, "reason": "Thành tích xuất sắc", "recipient_name": name}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    }
    for list in [
        "/api/v1/work-plans",
        "/api/v1/awards",
        "/api/v1/applications",
    ] {
        let all = app.get(list, &vufo).await.json();
        let total = all["total"].as_i64().expect("total");
        assert!(total >= 2, "{list}: the demo holds a few: {all}");
        let first = app.get(&format!("{list}?per_page=1"), &vufo).await;
        assert_eq!(first.status, StatusCode::OK, "{list}: {}", first.text());
        let first = first.json();
        assert_eq!(
            (
                first["items"].as_array().map(Vec::len),
                first["total"].as_i64()
            ),
            (Some(1), Some(total)),
            "{list}"
        );
        let second = app
            .get(&format!("{list}?per_page=1&page=2"), &vufo)
            .await
            .json();
        assert_ne!(
            first["items"][0]["id"], second["items"][0]["id"],
            "{list}: the second page goes on"
        );
        let r = app.get(&format!("{list}?per_page=0"), &vufo).await;
        assert_eq!(
            (r.status, r.error_field()),
            (StatusCode::UNPROCESSABLE_ENTITY, "per_page".to_owned())
        );
    }
    app.done().await;
}

#[tokio::test]
async fn a_burst_of_requests_larger_than_the_pool_is_served_one_connection_each() {
    each_backend(|app| async move {
        let vufo = app.token("vufo@demo.amity").await;
        let admin = app.token("admin@demo.amity").await;
        // More requests at once than the pool holds: a page that took a second connection while
        // holding its first would wait for one that never comes free.
        for (path, token) in [
            ("/ngos", &vufo),
            ("/agreements", &vufo),
            ("/delegations", &vufo),
            ("/admin/users/1", &admin),
        ] {
            let burst = (0..24).map(|_| app.get(path, token));
            let statuses: Vec<StatusCode> = futures_util::future::join_all(burst)
                .await
                .into_iter()
                .map(|r| r.status)
                .collect();
            assert!(
                statuses.iter().all(|s| *s == StatusCode::OK),
                "{path}: {statuses:?}"
            );
        }
        app
    })
    .await;
}

#[tokio::test]
async fn an_import_is_bounded_so_other_writers_are_not_kept_waiting_long() {
    let app = App::new(Backend::Sqlite).await;
    let vufo = app.token("vufo@demo.amity").await;
    let mut file = String::from("kind,country,name_vi\n");
    for i in 0..2_001 {
        file.push_str(&format!(
            "friendship_society,LA,Hội hữu nghị thử nghiệm {i}\n"
        ));
    }
    let r = app
        .send(
            Request::post("/api/v1/partners/import")
                .header(header::AUTHORIZATION, format!("Bearer {vufo}"))
                .header(header::CONTENT_TYPE, "text/csv")
                .body(Body::from(file))
                .expect("request"),
        )
        .await;
    assert_eq!(
        (r.status, r.error_field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "file".to_owned()),
        "{}",
        r.text()
    );
    assert!(r.text().contains("at most 2000 rows"), "{}", r.text());
    app.done().await;
}

#[tokio::test]
async fn browsers_are_told_to_keep_to_https_when_served_behind_it() {
    let app = App::new(Backend::Sqlite).await;
    let plain = app
        .send(
            Request::get("/healthz")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert!(
        plain
            .headers
            .get(header::STRICT_TRANSPORT_SECURITY)
            .is_none(),
        "not on plain loopback"
    );
    let behind_tls = router(AppState::new(
        app.db.db.clone(),
        WebConfig {
            hsts: true,
            secure_cookies: true,
            ..WebConfig::default()
        },
    ));
    let r = behind_tls
        .oneshot(Request::get("/login").body(Body::empty()).expect("request"))
        .await
        .expect("response");
    assert_eq!(
        r.headers()
            .get(header::STRICT_TRANSPORT_SECURITY)
            .and_then(|v| v.to_str().ok()),
        Some("max-age=31536000; includeSubDomains")
    );
    app.done().await;
}

#[tokio::test]
async fn attachments_are_stored_once_limited_and_read_like_their_record() {
    let files = std::env::temp_dir().join(format!("amity-files-test-{}", std::process::id()));
    let db = amity_store::testing::TestDb::new(Backend::Sqlite)
        .await
        .expect("test database");
    seed::demo_facts(&db.db).await.expect("demo");
    let config = WebConfig {
        files_dir: files.clone(),
        max_upload_bytes: 2048,
        ..WebConfig::default()
    };
    let app = App {
        router: router(AppState::new(db.db.clone(), config)),
        db,
        backend: Backend::Sqlite,
    };
    let kh = app.token("khanhhoa@demo.amity").await;
    let qn = app.token("quangnam@demo.amity").await;
    let e = app
        .call(
            Method::POST,
            "/api/v1/events",
            Some(&kh),
            Some(json!({"type": "training", "title": "Tập huấn", "start_on": "2026-06-01", "participants": 30})),
        )
        .await
        .json();
    let path = format!("/api/v1/events/{}/attachments", e["id"]);
    let pdf = b"%PDF-1.4 minimal test file".to_vec();
    let r = app
        .send(upload(&path, &kh, "Báo cáo tập huấn.pdf", &pdf))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let first = r.json();
    let again = app.send(upload(&path, &kh, "copy.pdf", &pdf)).await.json();
    assert_eq!(
        first["sha256"], again["sha256"],
        "the same content is one stored file"
    );
    let stored: Vec<_> = walk(&files);
    assert_eq!(stored.len(), 1, "{stored:?}");
    let r = app.send(upload(&path, &kh, "virus.exe", b"MZ")).await;
    assert_eq!(
        (r.status, r.error_field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "file".to_owned())
    );
    let r = app
        .send(upload(&path, &kh, "big.pdf", &vec![b'x'; 4096]))
        .await;
    assert_eq!(
        (r.status, r.error_field()),
        (StatusCode::PAYLOAD_TOO_LARGE, "file".to_owned()),
        "{}",
        r.text()
    );
    assert!(
        r.json()["errors"][0]["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("MB")
    );
    assert_eq!(
        app.send(upload(&path, &qn, "x.pdf", &pdf)).await.status,
        StatusCode::NOT_FOUND,
        "another union cannot attach"
    );
    let download = format!("/api/v1/attachments/{}", first["id"]);
    let r = app.get(&download, &kh).await;
    assert_eq!((r.status, r.body.clone()), (StatusCode::OK, pdf.clone()));
    assert_eq!(r.headers[header::CONTENT_TYPE], "application/pdf");
    assert!(
        r.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap_or_default()
            .contains("filename*=UTF-8''B%C3%A1o")
    );
    assert_eq!(
        app.get(&download, &qn).await.status,
        StatusCode::NOT_FOUND,
        "downloads follow the record's scope"
    );
    assert_eq!(app.get(&path, &kh).await.json()["total"], 2);
    assert_eq!(
        app.call(Method::DELETE, &download, Some(&qn), None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.call(Method::DELETE, &download, Some(&kh), None)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(app.get(&path, &kh).await.json()["total"], 1);
    assert_eq!(
        walk(&files).len(),
        1,
        "the other attachment still uses the content"
    );
    let second = format!("/api/v1/attachments/{}", again["id"]);
    assert_eq!(
        app.call(Method::DELETE, &second, Some(&kh), None)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert!(
        walk(&files).is_empty(),
        "content nothing refers to is removed"
    );
    let _ = std::fs::remove_dir_all(&files);
    app.done().await;
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = entry.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[tokio::test]
async fn a_delegation_goes_from_form_to_approval_through_the_pages() {
    let app = App::new(Backend::Sqlite).await;
    let (kh_session, kh_csrf) = sign_in(&app, "khanhhoa@demo.amity").await;
    let kh = format!("amity_session={kh_session}");
    let page = |path: String, cookie: String| {
        Request::get(path.as_str())
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .expect("request")
    };
    let r = app
        .send(form(
            "/delegations/new",
            &kh,
            &format!("csrf_token={kh_csrf}&direction=outbound&title=&start_on=10%2F03%2F2026&end_on=01%2F03%2F2026"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text().contains("title-error") && r.text().contains("end_on-error"),
        "each error beside its field"
    );
    let body = format!(
        "csrf_token={kh_csrf}&direction=outbound&title=%C4%90o%C3%A0n+th%C4%83m+L%C3%A0o&start_on=10%2F03%2F2026&end_on=15%2F03%2F2026\
         &head=Nguy%E1%BB%85n+V%C4%83n+Tr%C6%B0%E1%BB%9Fng&members=Tr%E1%BA%A7n+Th%E1%BB%8B+A%0D%0AL%C3%AA+V%C4%83n+B\
         &leg_country=LA&leg_city=Vi%C3%AAng+Ch%C4%83n&leg_from=10%2F03%2F2026&leg_to=15%2F03%2F2026\
         &leg_country=&leg_city=&leg_from=&leg_to=&budget_amount=5000&budget_currency=USD&rate_to_vnd=25400"
    );
    let r = app.send(form("/delegations/new", &kh, &body)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let location = r.headers[header::LOCATION]
        .to_str()
        .expect("location")
        .to_owned();
    let id: i64 = location
        .rsplit('/')
        .next()
        .and_then(|i| i.parse().ok())
        .expect("the new delegation's page");
    let shown = app.send(page(location.clone(), kh.clone())).await.text();
    assert!(
        shown.contains("Nguyễn Văn Trưởng")
            && shown.contains("Viêng Chăn")
            && shown.contains("127.000.000 ₫"),
        "{shown}"
    );
    let r = app
        .send(form(
            &format!("/delegations/{id}/transitions"),
            &kh,
            &format!("csrf_token={kh_csrf}&to=submitted&comment="),
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());

    let (vufo_session, vufo_csrf) = sign_in(&app, "vufo@demo.amity").await;
    let vufo = format!("amity_session={vufo_session}");
    let home = app.send(page("/".into(), vufo.clone())).await.text();
    assert!(
        home.contains("Đoàn thăm Lào"),
        "the request waits on the central staff's home page"
    );
    let r = app
        .send(form(
            &format!("/delegations/{id}/transitions"),
            &vufo,
            &format!("csrf_token={vufo_csrf}&to=returned&comment="),
        ))
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a return needs its reason"
    );
    let r = app
        .send(form(
            &format!("/delegations/{id}/transitions"),
            &vufo,
            &format!(
                "csrf_token={vufo_csrf}&to=returned&comment=B%E1%BB%95+sung+d%E1%BB%B1+to%C3%A1n"
            ),
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let home = app.send(page("/".into(), kh.clone())).await.text();
    assert!(
        home.contains("Bổ sung dự toán"),
        "the unit sees the reviewer's comment at home"
    );

    // A file through the page: the token travels as the form's first field, never in the
    // address (which browsers keep in history and pass on in Referer).
    let boundary = "b0undary";
    let upload = |csrf: &str| {
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"chuong-trinh.txt\"\r\nContent-Type: text/plain\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice("Chương trình làm việc".as_bytes());
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        body
    };
    let send_file = |csrf: &str| {
        Request::post(format!("/delegations/{id}/files"))
            .header(header::COOKIE, kh.clone())
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(upload(csrf)))
            .expect("request")
    };
    assert_eq!(
        app.send(send_file("wrong")).await.status,
        StatusCode::FORBIDDEN,
        "no upload without the form's token"
    );
    let in_address = Request::post(format!("/delegations/{id}/files?csrf_token={kh_csrf}"))
        .header(header::COOKIE, kh.clone())
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(upload("")))
        .expect("request");
    assert_eq!(
        app.send(in_address).await.status,
        StatusCode::FORBIDDEN,
        "a token in the address is not taken"
    );
    let r = app.send(send_file(&kh_csrf)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let shown = app.send(page(location, kh.clone())).await.text();
    assert!(
        shown.contains("chuong-trinh.txt"),
        "the file is listed on the page"
    );
    app.done().await;
}

#[tokio::test]
async fn reports_roll_up_as_organized_then_and_restated_to_todays_structure() {
    each_backend(|app| async move {
        let viewer = app.token("viewer@demo.amity").await;
        let qn = app.token("quangnam@demo.amity").await;
        let value = |s: &Value, code: &str, field: &str| {
            s["indicators"]
                .as_array()
                .expect("indicators")
                .iter()
                .find(|i| i["code"] == code)
                .map(|i| i[field].clone())
                .unwrap_or(Value::Null)
        };
        // Cluster 3 in 2023, as organized then: the four joint activities the seed reports.
        let cluster = app.unit_by_code(&viewer, "CUM-3", "2023-06-01").await;
        let s = app
            .get(
                &format!("/api/v1/reports/summary?unit={}&period=2023", cluster["id"]),
                &viewer,
            )
            .await;
        assert_eq!(s.status, StatusCode::OK, "{:?}: {}", app.backend, s.text());
        let s = s.json();
        assert_eq!(
            (
                value(&s, "events", "subtree"),
                value(&s, "events_conference", "subtree")
            ),
            (json!(4.0), json!(2.0)),
            "{s}"
        );
        assert_eq!(
            (
                value(&s, "events", "own"),
                value(&s, "events", "previous"),
                value(&s, "events", "change")
            ),
            (json!(0.0), json!(0.0), json!(4.0))
        );
        assert_eq!(
            (
                value(&s, "events", "change_pct"),
                s["compared_with"].clone()
            ),
            (Value::Null, json!("2022")),
            "no percentage from zero"
        );
        assert_eq!(
            value(&s, "countries_reached", "subtree"),
            json!(1.0),
            "China, for the two Chinese contests"
        );

        // Today's Đà Nẵng did not exist in May 2025; restated, it carries the old city's visit.
        let da_nang = app.unit_by_code(&viewer, "48", "2025-07-01").await;
        let path = |structure: &str| {
            format!(
                "/api/v1/reports/summary?unit={}&period=2025-Q2&structure={structure}",
                da_nang["id"]
            )
        };
        let then = app.get(&path("then"), &viewer).await.json();
        assert_eq!(
            (
                value(&then, "events", "subtree"),
                then["units_counted"].clone()
            ),
            (json!(0.0), json!(0))
        );
        let restated = app.get(&path("current"), &viewer).await.json();
        assert_eq!(
            (
                value(&restated, "events", "subtree"),
                value(&restated, "foreign_participants", "subtree")
            ),
            (json!(1.0), json!(296.0)),
            "{restated}"
        );
        assert_eq!(value(&restated, "countries_reached", "subtree"), json!(1.0));
        let dash = app.get("/dashboard?year=2023", &viewer).await.text();
        assert!(
            dash.contains("<svg") && dash.contains("<title>") && dash.contains("Trung Quốc"),
            "charts with titles, and China reached in 2023"
        );
        let page = app
            .get(
                &format!(
                    "/reports?unit={}&period=2025-Q2&structure=current",
                    da_nang["id"]
                ),
                &viewer,
            )
            .await
            .text();
        assert!(
            page.contains("<strong>296</strong>"),
            "the page shows the restated figure"
        );
        let old = app.unit_by_code(&viewer, "48", "2025-05-01").await;
        assert_ne!(
            old["id"], da_nang["id"],
            "the old city's union is another unit"
        );
        let listed = app
            .get(
                &format!("/events?unit={}&year=2023&sort=title", old["id"]),
                &viewer,
            )
            .await
            .text();
        assert!(
            listed.contains("Liên hiệp Đà Nẵng") && !listed.contains("Thừa Thiên Huế"),
            "the unit filter keeps that unit's events"
        );
        let api = app
            .get(
                &format!("/api/v1/events?unit={}&year=2023", cluster["id"]),
                &viewer,
            )
            .await
            .json();
        assert_eq!(
            api["total"], 4,
            "a cluster's subtree holds its members' events"
        );

        // The federation in 2025: the JVPF visit and two events.
        let vufo = app.unit_by_code(&viewer, "VUFO", "2025-01-01").await;
        let national = app
            .get(
                &format!(
                    "/api/v1/reports/summary?unit={}&period=2025&compare=none",
                    vufo["id"]
                ),
                &viewer,
            )
            .await
            .json();
        assert_eq!(
            (
                value(&national, "delegations_in", "subtree"),
                value(&national, "events", "subtree")
            ),
            (json!(1.0), json!(2.0)),
            "{national}"
        );
        assert_eq!(national["compared_with"], Value::Null);

        // The Lao Front agreement's 2024 task is done; the thirteen demo partners (ten from the articles, two demo NGOs, and the
        // entry standing for the NGOs behind the articles' reported aid totals) were recorded this year.
        let y2024 = app
            .get(
                &format!("/api/v1/reports/summary?unit={}&period=2024", vufo["id"]),
                &viewer,
            )
            .await
            .json();
        assert_eq!(
            value(&y2024, "tasks_done", "subtree"),
            json!(1.0),
            "{y2024}"
        );
        let this_year = chrono::Datelike::year(&chrono::Utc::now());
        let now = app
            .get(
                &format!(
                    "/api/v1/reports/summary?unit={}&period={this_year}",
                    vufo["id"]
                ),
                &viewer,
            )
            .await
            .json();
        assert_eq!(value(&now, "partners_new", "own"), json!(13.0), "{now}");
        let kh = app.unit_by_code(&viewer, "56", "2025-07-01").await;
        assert_eq!(
            app.get(
                &format!("/api/v1/reports/summary?unit={}&period=2025", kh["id"]),
                &qn
            )
            .await
            .status,
            StatusCode::NOT_FOUND,
            "outside scope"
        );
        for (query, field) in [
            ("period=2025-Q5", "period"),
            ("period=2025&structure=later", "structure"),
            ("period=2025&compare=decade", "compare"),
            ("", "period"),
        ] {
            let r = app
                .get(
                    &format!("/api/v1/reports/summary?unit={}&{query}", vufo["id"]),
                    &viewer,
                )
                .await;
            assert_eq!(
                (r.status, r.error_field()),
                (StatusCode::UNPROCESSABLE_ENTITY, field.to_owned()),
                "{query}"
            );
        }
        let catalogue = app.get("/api/v1/indicators", &viewer).await.json();
        assert!(
            catalogue["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|i| i["code"] == "countries_reached" && i["source"] == "computed")
        );
        app
    })
    .await;
}

#[tokio::test]
async fn central_staff_keep_the_report_forms_without_taking_anything_from_filed_reports() {
    each_backend(|app| async move {
        let vufo = app.token("vufo@demo.amity").await;
        let qn = app.token("quangnam@demo.amity").await;
        let viewer = app.token("viewer@demo.amity").await;
        let vietlao = app.token("vietlao@demo.amity").await;
        let quarterly = json!({"code": "bc-quy-hh", "name_vi": "Báo cáo quý của hội hữu nghị", "name_en": "Association quarterly report",
            "period_kind": "quarter", "unit_kinds": ["association"], "manual": ["trainings", "media_items"], "due_days": 10});

        // Refused input names every field and changes nothing.
        let audit = app.audit_total(&vufo).await;
        let bad = json!({"code": "x", "name_vi": "", "name_en": "Fine", "period_kind": "month", "unit_kinds": [], "manual": ["stars"], "due_days": 400});
        let r = app.call(Method::POST, "/api/v1/report-forms", Some(&vufo), Some(bad)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let fields: Vec<String> = r.json()["errors"].as_array().expect("errors").iter().map(|e| e["field"].as_str().unwrap_or_default().to_owned()).collect();
        assert_eq!(fields, ["code", "name_vi", "period_kind", "unit_kinds", "manual", "due_days"]);
        for token in [&qn, &viewer, &vietlao] {
            let r = app.call(Method::POST, "/api/v1/report-forms", Some(token), Some(quarterly.clone())).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
        }
        assert_eq!(app.audit_total(&vufo).await, audit);

        let r = app.call(Method::POST, "/api/v1/report-forms", Some(&vufo), Some(quarterly.clone())).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let created = r.json();
        assert_eq!((created["code"].clone(), created["manual"].clone()), (json!("BC-QUY-HH"), json!(["media_items", "trainings"])));
        let r = app.call(Method::POST, "/api/v1/report-forms", Some(&vufo), Some(quarterly.clone())).await;
        assert_eq!((r.status, r.error_field()), (StatusCode::CONFLICT, "code".to_owned()));
        assert_eq!(app.get("/api/v1/report-forms", &viewer).await.json()["total"], 4);
        assert_eq!(app.get("/api/v1/report-forms/BC-QUY-HH", &viewer).await.json()["due_days"], 10);

        // The Việt–Lào association files on it and enters a training course.
        let r = app.call(Method::POST, "/api/v1/reports", Some(&vietlao), Some(json!({"form": "BC-QUY-HH", "period": "2026-Q1"}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let report = r.json();
        assert_eq!(report["due_on"], "2026-04-10");
        let path = format!("/api/v1/reports/{}", report["id"]);
        let r = app.call(Method::PATCH, &path, Some(&vietlao), Some(json!({"values": {"trainings": 2}}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let r = app.call(Method::POST, "/api/v1/reports", Some(&qn), Some(json!({"form": "BC-QUY-HH", "period": "2026-Q1"}))).await;
        assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, "unit".to_owned()), "provinces do not file it: {}", r.text());
        // Its second quarter is submitted, late: judged against the due date of that day.
        let r = app.call(Method::POST, "/api/v1/reports", Some(&vietlao), Some(json!({"form": "BC-QUY-HH", "period": "2026-Q2"}))).await;
        let second = format!("/api/v1/reports/{}", r.json()["id"]);
        let content = json!({"results": "Giao lưu hữu nghị Việt – Lào.", "values": {"trainings": 1, "media_items": 4}});
        assert_eq!(app.call(Method::PATCH, &second, Some(&vietlao), Some(content)).await.status, StatusCode::OK);
        let r = app.call(Method::POST, &format!("{second}/transitions"), Some(&vietlao), Some(json!({"to": "submitted"}))).await;
        assert_eq!((r.status, r.json()["due_on"].clone(), r.json()["on_time"].clone()), (StatusCode::OK, json!("2026-07-10"), json!(false)));

        // What filed reports hold stays: the period kind, and the entered indicator.
        let form_path = "/api/v1/report-forms/BC-QUY-HH";
        let audit = app.audit_total(&vufo).await;
        let yearly = json!({"name_vi": "x", "name_en": "x", "period_kind": "year", "unit_kinds": ["association"], "manual": ["trainings"], "due_days": 10});
        let r = app.call(Method::PUT, form_path, Some(&vufo), Some(yearly)).await;
        assert_eq!((r.status, r.error_field()), (StatusCode::CONFLICT, "period_kind".to_owned()), "{}", r.text());
        let without = json!({"name_vi": "x", "name_en": "x", "period_kind": "quarter", "unit_kinds": ["association"], "manual": ["media_items"], "due_days": 10});
        let r = app.call(Method::PUT, form_path, Some(&vufo), Some(without)).await;
        assert_eq!((r.status, r.error_field()), (StatusCode::CONFLICT, "manual".to_owned()), "{}", r.text());
        let renamed = json!({"code": "BC-OTHER", "name_vi": "x", "name_en": "x", "period_kind": "quarter", "unit_kinds": ["association"], "manual": ["trainings"], "due_days": 10});
        let r = app.call(Method::PUT, form_path, Some(&vufo), Some(renamed)).await;
        assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, "code".to_owned()), "a code stays");
        let r = app.call(Method::DELETE, form_path, Some(&vufo), None).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "a form with reports stays: {}", r.text());
        assert_eq!(app.audit_total(&vufo).await, audit, "refused changes leave no trace");
        let later = json!({"name_vi": "Báo cáo quý của hội", "name_en": "Association quarterly report", "period_kind": "quarter",
            "unit_kinds": ["association", "member_org"], "manual": ["trainings", "media_items"], "due_days": 20});
        let r = app.call(Method::PUT, form_path, Some(&vufo), Some(later.clone())).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["unit_kinds"], json!(["member_org", "association"]));
        let r = app.call(Method::PUT, form_path, Some(&qn), Some(later)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let report = app.get(&path, &vietlao).await.json();
        assert_eq!(report["due_on"], "2026-04-20", "the new due time applies to the open report");
        assert_eq!(report["manual"][1]["value"], 2.0, "{report}");
        let submitted = app.get(&second, &vietlao).await.json();
        assert_eq!(submitted["due_on"], "2026-07-10", "a submitted report keeps the due date it was judged against");
        let c = app.get("/api/v1/reports/completeness?form=BC-QUY-HH&period=2026-Q2", &vufo).await.json();
        let standing = c["units"].as_array().expect("units").iter().find(|u| u["report_id"].is_number()).cloned().expect("the filed one");
        assert_eq!((c["due_on"].clone(), standing["on_time"].clone()), (json!("2026-07-20"), json!(false)), "{c}");

        // A form nobody filed on can be removed; each change was audited once.
        let spare = json!({"code": "BC-THU", "name_vi": "Thử", "name_en": "Trial", "period_kind": "year", "unit_kinds": ["other"], "due_days": 0});
        assert_eq!(app.call(Method::POST, "/api/v1/report-forms", Some(&vufo), Some(spare)).await.status, StatusCode::CREATED);
        assert_eq!(app.call(Method::DELETE, "/api/v1/report-forms/BC-THU", Some(&qn), None).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.call(Method::DELETE, "/api/v1/report-forms/BC-THU", Some(&vufo), None).await.status, StatusCode::NO_CONTENT);
        assert_eq!(app.get("/api/v1/report-forms/BC-THU", &vufo).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.audit_total(&vufo).await, audit + 3);
        let trail = app.get("/api/v1/audit?entity_type=report_form&per_page=10", &vufo).await.json();
        assert_eq!(trail["total"], 4, "{trail}");

        // The pages: central staff add a form through the page, errors beside their fields;
        // a province reads the forms but is offered no form to change them.
        let (session, csrf) = sign_in(&app, "vufo@demo.amity").await;
        let cookie = format!("amity_session={session}");
        let r = app.send(form("/report-forms", &cookie, &format!("csrf_token={csrf}&code=BC-6T-HH&name_vi=&name_en=Half&period_kind=half_year&due_days=m%C6%B0%E1%BB%9Di"))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let page = r.text();
        assert!(page.contains(r#"id="fdue_days-error""#) && page.contains("BC-6T-HH"), "the number is named beside its field, the input kept");
        let body = format!("csrf_token={csrf}&code=BC-6T-HH&name_vi=B%C3%A1o+c%C3%A1o+6+th%C3%A1ng&name_en=Half-year&period_kind=half_year&unit_kinds=association&unit_kinds=member_org&manual=trainings&due_days=15");
        let r = app.send(form("/report-forms", &cookie, &body)).await;
        assert_eq!((r.status, r.headers.get(header::LOCATION).and_then(|l| l.to_str().ok())), (StatusCode::SEE_OTHER, Some("/report-forms/BC-6T-HH")), "{}", r.text());
        let body = format!("csrf_token={csrf}&name_vi=B%C3%A1o+c%C3%A1o+6+th%C3%A1ng&name_en=Half-year&period_kind=half_year&manual=trainings&due_days=15");
        let r = app.send(form("/report-forms/BC-6T-HH", &cookie, &body)).await;
        assert!(r.status == StatusCode::UNPROCESSABLE_ENTITY && r.text().contains(r#"id="funit_kinds-error""#), "no kind of unit chosen");
        let shown = app.get("/report-forms/BC-6T-HH", &vufo).await.text();
        assert!(shown.contains("Báo cáo 6 tháng") && shown.contains(r#"value="member_org" checked"#), "{shown}");
        let listed = app.get("/report-forms", &qn).await.text();
        assert!(listed.contains("BC-6T-HH") && !listed.contains(r#"action="/report-forms""#), "read, not changed, by a province");
        app
    })
    .await;
}

#[tokio::test]
async fn agreements_in_force_are_counted_at_the_periods_end_restated_and_listed_behind_the_figure()
{
    each_backend(|app| async move {
        let vufo = app.token("vufo@demo.amity").await;
        let kh = app.token("khanhhoa@demo.amity").await;
        let value = |s: &Value, code: &str, field: &str| {
            s["indicators"].as_array().expect("indicators").iter().find(|v| v["code"] == code).map(|v| v[field].clone()).unwrap_or_default()
        };
        let part = |s: &Value, name: &str| {
            s["parts"]
                .as_array()
                .expect("parts")
                .iter()
                .find(|p| p["unit_name"].as_str().is_some_and(|n| n.contains(name)))
                .map(|p| p["values"]["agreements_in_force"].clone())
                .unwrap_or_else(|| panic!("no part {name}: {s}"))
        };
        // The demo's Lao Front agreement ran 2021–2025: in force at the end of 2021, not of 2020,
        // nor at the end of 2026's first quarter.
        let national = app.unit_by_code(&vufo, "VUFO", "2023-06-30").await;
        let s = app.get(&format!("/api/v1/reports/summary?unit={}&period=2021-Q4", national["id"]), &vufo).await.json();
        assert_eq!(
            (value(&s, "agreements_in_force", "subtree"), value(&s, "agreements_in_force", "previous"), value(&s, "agreements_in_force", "change")),
            (json!(1.0), json!(0.0), json!(1.0)),
            "{s}"
        );
        let s = app.get(&format!("/api/v1/reports/summary?unit={}&period=2026-Q1", national["id"]), &vufo).await.json();
        assert_eq!((value(&s, "agreements_in_force", "subtree"), value(&s, "agreements_in_force", "previous")), (json!(0.0), json!(1.0)));

        // Old Quảng Nam keeps one in force at the end of 2023 and a terminated one, never counted.
        let quang_nam = app.unit_by_code(&vufo, "49", "2023-06-30").await;
        let partners = app.get("/api/v1/partners?q=ANC", &vufo).await.json();
        let anc = partners["items"][0]["id"].clone();
        for (title, status, to) in [("Thỏa thuận Quảng Nam 2022–2024", "in_force", "2024-12-31"), ("Thỏa thuận đã chấm dứt", "terminated", "2030-12-31")] {
            let r = app
                .call(
                    Method::POST,
                    "/api/v1/agreements",
                    Some(&vufo),
                    Some(json!({"title": title, "partners": [anc], "valid_from": "2022-03-01", "valid_to": to, "status": status, "owner_unit_id": quang_nam["id"]})),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        }
        let cluster = app.unit_by_code(&vufo, "CUM-3", "2023-06-30").await;
        let path = |structure: &str| format!("/api/v1/reports/summary?unit={}&period=2023&structure={structure}", cluster["id"]);
        let then = app.get(&path("then"), &vufo).await.json();
        assert_eq!((part(&then, "Quảng Nam"), value(&then, "agreements_in_force", "subtree")), (json!(1.0), json!(1.0)), "{then}");
        let restated = app.get(&path("current"), &vufo).await.json();
        assert_eq!(part(&restated, "Đà Nẵng"), json!(1.0), "Quảng Nam's agreement is counted in today's Đà Nẵng: {restated}");
        assert_eq!(value(&restated, "agreements_in_force", "previous"), json!(1.0), "in force at the end of 2022 too");

        // The figure's records: the list on the period's last day holds exactly what was counted.
        let listed = app.get(&format!("/api/v1/agreements?unit={}&in_force_on=2023-12-31", cluster["id"]), &vufo).await.json();
        assert_eq!(listed["total"], 1, "{listed}");
        assert_eq!(listed["items"][0]["title"], "Thỏa thuận Quảng Nam 2022–2024");
        let later = app.get(&format!("/api/v1/agreements?unit={}&in_force_on=2025-01-01", quang_nam["id"]), &vufo).await.json();
        assert_eq!(later["total"], 0);
        let r = app.get("/api/v1/agreements?in_force_on=31-12-2023", &vufo).await;
        assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, "in_force_on".to_owned()));
        let page = app.get(&format!("/agreements?unit={}&in_force_on=31%2F12%2F2023", cluster["id"]), &vufo).await.text();
        assert!(page.contains("Thỏa thuận Quảng Nam 2022–2024") && !page.contains("Thỏa thuận đã chấm dứt"), "{page}");
        let page = app.get("/agreements?in_force_on=sometime", &vufo).await.text();
        assert!(page.contains(r#"id="in_force_on-error""#) && page.contains(r#"aria-invalid="true""#), "the bad date is named beside its field");
        let csv = app.get(&format!("/api/v1/agreements/export.csv?unit={}&in_force_on=2023-12-31", cluster["id"]), &vufo).await.text();
        assert_eq!(csv.lines().count(), 2, "the header and the one agreement: {csv}");

        // Khánh Hòa's 2023 report links its figure to that list.
        let report = app.report_of(&kh, "BC-NAM", 2023, "Khánh Hòa").await;
        let page = app.get(&format!("/reports/{}", report["id"]), &kh).await.text();
        assert!(page.contains(&format!("/agreements?unit={}&#38;in_force_on=2023-12-31", report["unit_id"])), "{page}");
        app
    })
    .await;
}

#[tokio::test]
async fn periodic_reports_move_up_the_chain_freeze_and_show_later_changes() {
    each_backend(|app| async move {
        let qn = app.token("quangnam@demo.amity").await;
        let kh = app.token("khanhhoa@demo.amity").await;
        let vufo = app.token("vufo@demo.amity").await;
        let viewer = app.token("viewer@demo.amity").await;
        let value = |r: &Value, list: &str, code: &str| {
            r[list].as_array().expect("values").iter().find(|v| v["code"] == code).map(|v| v["value"].clone()).unwrap_or(Value::Null)
        };
        let forms = app.get("/api/v1/report-forms", &qn).await.json();
        assert_eq!(forms["total"], 3, "{forms}");

        // Quảng Nam's 2023 annual report: refused input first, then a draft.
        for (body, field) in [
            (json!({"form": "BC-NAM", "period": "2023-Q2"}), "period"),
            (json!({"form": "BC-X", "period": "2023"}), "form"),
            (json!({"form": "BC-NAM", "period": "2099"}), "period"),
            (json!({"form": "BC-QUY", "period": "2023-Q1", "unit": 999999}), "unit"),
        ] {
            let r = app.call(Method::POST, "/api/v1/reports", Some(&qn), Some(body.clone())).await;
            assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, field.to_owned()), "{body}: {}", r.text());
        }
        let r = app.call(Method::POST, "/api/v1/reports", Some(&qn), Some(json!({"form": "BC-NAM", "period": "2023"}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}: {}", app.backend, r.text());
        let report = r.json();
        assert_eq!((report["state"].clone(), report["awaiting"].clone()), (json!("draft"), json!("unit")));
        let path = format!("/api/v1/reports/{}", report["id"]);
        let moves = format!("{path}/transitions");
        let again = app.call(Method::POST, "/api/v1/reports", Some(&qn), Some(json!({"form": "BC-NAM", "period": "2023"}))).await;
        assert_eq!(again.status, StatusCode::CONFLICT, "one report per unit, form and period");
        let events_2023 = value(&report, "computed", "events");
        assert_eq!(events_2023, json!(0.0), "Quảng Nam co-organized one of Cluster 3's 2023 activities but kept none: {report}");

        // Submitting needs the results and every manual value.
        let r = app.call(Method::POST, &moves, Some(&qn), Some(json!({"to": "submitted"}))).await;
        assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, "results".to_owned()), "{}", r.text());
        let bad = app.call(Method::PATCH, &path, Some(&qn), Some(json!({"values": {"members_new": -3}}))).await;
        assert_eq!((bad.status, bad.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, "values.members_new".to_owned()));
        let bad = app.call(Method::PATCH, &path, Some(&qn), Some(json!({"values": {"stars": 3}}))).await;
        assert_eq!((bad.status, bad.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, "values.stars".to_owned()));
        let content = json!({"results": "Phối hợp tổ chức hội thảo của Cụm.", "shortcomings": "Kinh phí hạn hẹp.", "directions": "Mở rộng đối tác.",
            "values": {"members_new": 12, "funds_mobilized": 150000000, "media_items": 40, "trainings": 2}});
        let r = app.call(Method::PATCH, &path, Some(&kh), Some(content.clone())).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "the 2023 cluster lead reads it but does not write it");
        let vietlao = app.token("vietlao@demo.amity").await;
        let r = app.call(Method::PATCH, &path, Some(&vietlao), Some(content.clone())).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "an association does not even see it");
        let r = app.call(Method::PATCH, &path, Some(&qn), Some(content)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(value(&r.json(), "manual", "funds_mobilized"), json!(150000000.0));
        let r = app.call(Method::POST, &moves, Some(&qn), Some(json!({"to": "submitted"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!((r.json()["awaiting"].clone(), r.json()["on_time"].clone()), (json!("central"), json!(false)), "2023's report is late now");

        // Only central staff decide; impossible moves change nothing.
        let audit = app.audit_total(&vufo).await;
        for (token, to, status) in [
            (&qn, "approved", StatusCode::FORBIDDEN),
            (&viewer, "approved", StatusCode::FORBIDDEN),
            (&vufo, "locked", StatusCode::CONFLICT),
            (&vufo, "submitted", StatusCode::CONFLICT),
        ] {
            let r = app.call(Method::POST, &moves, Some(token), Some(json!({"to": to}))).await;
            assert_eq!(r.status, status, "{to}: {}", r.text());
        }
        let r = app.call(Method::POST, &moves, Some(&vufo), Some(json!({"to": "draft"}))).await;
        assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, "comment".to_owned()), "a return says why");
        assert_eq!(app.audit_total(&vufo).await, audit, "refused moves leave no trace");
        let r = app.call(Method::POST, &moves, Some(&vufo), Some(json!({"to": "approved"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let approved = r.json();
        assert_eq!((approved["state"].clone(), approved["changed_since_approval"].clone()), (json!("approved"), json!([])));
        let r = app.call(Method::PATCH, &path, Some(&qn), Some(json!({"results": "Sửa sau khi duyệt"}))).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "approved values are frozen");

        // A record inside the period changes after approval: the report keeps what was approved
        // and says what changed.
        let event = json!({"type": "conference", "channel": "in_person", "title": "Hội thảo bổ sung", "start_on": "2023-09-10", "end_on": "2023-09-10",
            "place_country": "VN", "place": "Tam Kỳ", "participants": 80, "foreign_participants": 5});
        let r = app.call(Method::POST, "/api/v1/events", Some(&qn), Some(event)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let now = app.get(&path, &qn).await.json();
        assert_eq!(value(&now, "computed", "events"), json!(0.0), "the approved value stays");
        let change = now["changed_since_approval"].as_array().expect("changes").iter().find(|c| c["code"] == "events").cloned();
        assert_eq!(change, Some(json!({"code": "events", "approved": 0.0, "now": 1.0, "difference": 1.0})), "{now}");

        // Reopened to take the change in, approved again, then locked for good.
        let r = app.call(Method::POST, &moves, Some(&vufo), Some(json!({"to": "draft", "comment": "Cập nhật hội thảo tháng 9"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["return_comment"], "Cập nhật hội thảo tháng 9");
        assert_eq!(app.call(Method::POST, &moves, Some(&qn), Some(json!({"to": "submitted"}))).await.status, StatusCode::OK);
        let r = app.call(Method::POST, &moves, Some(&vufo), Some(json!({"to": "approved"}))).await.json();
        assert_eq!((value(&r, "computed", "events"), r["changed_since_approval"].clone()), (json!(1.0), json!([])));
        assert_eq!(app.call(Method::POST, &moves, Some(&vufo), Some(json!({"to": "locked"}))).await.status, StatusCode::OK);
        let r = app.call(Method::POST, &moves, Some(&vufo), Some(json!({"to": "draft", "comment": "mở lại"}))).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "a locked report stays locked");
        assert_eq!(app.get(&path, &kh).await.status, StatusCode::OK, "the 2023 cluster lead reads its members' reports");

        // Cluster 3's 2023 summary: compiled and signed by its lead union, then approved centrally.
        let cluster = app.unit_by_code(&viewer, "CUM-3", "2023-06-01").await;
        let body = json!({"form": "BC-NAM", "period": "2023", "unit": cluster["id"]});
        assert_eq!(app.call(Method::POST, "/api/v1/reports", Some(&qn), Some(body.clone())).await.status, StatusCode::FORBIDDEN);
        let r = app.call(Method::POST, "/api/v1/reports", Some(&kh), Some(body)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let summary = r.json();
        assert_eq!(value(&summary, "computed", "events"), json!(5.0), "the cluster's four activities and Quảng Nam's added one");
        let cpath = format!("/api/v1/reports/{}", summary["id"]);
        let cmoves = format!("{cpath}/transitions");
        let content = json!({"results": "Bốn hoạt động chung của Cụm.", "values": {"members_new": 0, "funds_mobilized": 0, "media_items": 10, "trainings": 1}});
        assert_eq!(app.call(Method::PATCH, &cpath, Some(&kh), Some(content)).await.status, StatusCode::OK);
        assert_eq!(app.call(Method::POST, &cmoves, Some(&kh), Some(json!({"to": "submitted"}))).await.status, StatusCode::OK);
        let r = app.call(Method::POST, &cmoves, Some(&vufo), Some(json!({"to": "approved"}))).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "central waits for the cluster lead: {}", r.text());
        let r = app.call(Method::POST, &cmoves, Some(&kh), Some(json!({"to": "approved"}))).await.json();
        assert_eq!((r["state"].clone(), r["awaiting"].clone()), (json!("submitted"), json!("central")), "{r}");
        assert_eq!(app.call(Method::POST, &cmoves, Some(&kh), Some(json!({"to": "approved"}))).await.status, StatusCode::FORBIDDEN);
        let r = app.call(Method::POST, &cmoves, Some(&vufo), Some(json!({"to": "approved"}))).await.json();
        assert_eq!(r["state"], "approved");

        // Completeness for 2023: of the provincial and other member units, Quảng Nam filed.
        let c = app.get("/api/v1/reports/completeness?form=BC-NAM&period=2023", &vufo).await.json();
        assert_eq!((c["submitted"].clone(), c["approved"].clone(), c["on_time"].clone()), (json!(2), json!(2), json!(0)), "{}", c["units"]);
        assert!(c["expected"].as_u64().expect("expected") > 63, "63 provinces, the associations, the member organizations and the cluster");
        let mine = app.get("/api/v1/reports/completeness?form=BC-NAM&period=2023", &qn).await.json();
        assert_eq!((mine["expected"].clone(), mine["submitted"].clone()), (json!(1), json!(1)), "a union sees itself only");
        let listed = app.get("/api/v1/reports?year=2023", &qn).await.json();
        assert_eq!(listed["total"], 1, "the cluster summary is not Quảng Nam's to see: {listed}");
        app
    })
    .await;
}

#[tokio::test]
async fn a_report_is_written_submitted_and_approved_through_the_pages() {
    each_backend(|app| async move {
        let page = |path: &str, cookie: &str| Request::get(path).header(header::COOKIE, cookie).body(Body::empty()).expect("request");
        let (qn_session, qn_csrf) = sign_in(&app, "quangnam@demo.amity").await;
        let qn = format!("amity_session={qn_session}");
        let list = app.send(page("/reports/periodic", &qn)).await.text();
        assert!(list.contains("Lập báo cáo") && list.contains("Tình hình nộp báo cáo"), "{list}");
        let r = app.send(form("/reports/periodic", &qn, &format!("csrf_token={qn_csrf}&form=BC-NAM&unit=&period=2023-Q1"))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "an annual form takes a year");
        assert!(r.text().contains("period-error"), "the error sits beside the period field");
        let r = app.send(form("/reports/periodic", &qn, &format!("csrf_token={qn_csrf}&form=BC-6THANG&unit=&period=2024-H1"))).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let location = r.headers[header::LOCATION].to_str().expect("location").to_owned();
        let id: i64 = location.rsplit('/').next().and_then(|i| i.parse().ok()).expect("the report's page");
        let shown = app.send(page(&location, &qn)).await.text();
        assert!(shown.contains("Kết quả đạt được") && shown.contains("Lưu và gửi báo cáo"), "the draft's form and its next step");
        assert!(!shown.contains(r#"name="to" value="submitted""#), "submitting is a button of the form, never a form of its own that drops what was typed");

        let edit = format!("/reports/{id}/edit");
        let r = app.send(form(&edit, &qn, &format!("csrf_token={qn_csrf}&results=&value_members_new=m%C6%B0%E1%BB%9Di"))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("values.members_new-error"), "a word where a number goes is refused beside its field");
        let body = format!(
            "csrf_token={qn_csrf}&results=T%E1%BB%95+ch%E1%BB%A9c+%C4%91o%C3%A0n+kh%C3%A1m+ch%E1%BB%AFa+b%E1%BB%87nh+t%E1%BA%A1i+L%C3%A0o\
             &shortcomings=&directions=&value_members_new=5&value_funds_mobilized=1.200.000.000&value_media_items=18&value_trainings=1"
        );
        assert_eq!(app.send(form(&edit, &qn, &body)).await.status, StatusCode::SEE_OTHER);
        let shown = app.send(page(&location, &qn)).await.text();
        assert!(shown.contains("Tổ chức đoàn khám chữa bệnh tại Lào") && shown.contains("value=\"1200000000\""), "{shown}");
        let moves = format!("/reports/{id}/transitions");
        // "Save and submit" keeps the text typed since the last save, then submits.
        let r = app.send(form(&edit, &qn, &format!("{}&directions=M%E1%BB%9F+r%E1%BB%99ng+h%E1%BB%A3p+t%C3%A1c&then=submitted", body.replace("&directions=&", "&")))).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let shown = app.send(page(&location, &qn)).await.text();
        assert!(shown.contains("chờ Trung ương duyệt") && !shown.contains("Kết quả đạt được</label>"), "submitted: no more editing");
        assert!(shown.contains("Mở rộng hợp tác"), "what was typed with the submit was kept");
        let r = app.send(form(&moves, &qn, &format!("csrf_token={qn_csrf}&to=approved&comment="))).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "the unit does not approve its own report");

        let (vufo_session, vufo_csrf) = sign_in(&app, "vufo@demo.amity").await;
        let vufo = format!("amity_session={vufo_session}");
        let shown = app.send(page(&location, &vufo)).await.text();
        assert!(shown.contains("Phê duyệt") && shown.contains("Trả lại để chỉnh sửa"), "central staff see their two choices");
        let r = app.send(form(&moves, &vufo, &format!("csrf_token={vufo_csrf}&to=draft&comment="))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a return needs its reason");
        assert_eq!(
            app.send(form(&moves, &vufo, &format!("csrf_token={vufo_csrf}&to=approved&comment="))).await.status,
            StatusCode::SEE_OTHER
        );
        let shown = app.send(page(&location, &vufo)).await.text();
        assert!(shown.contains("Khóa sổ") && shown.contains("Số liệu như khi được duyệt"), "approved: frozen, and lockable");
        let completeness = app.send(page("/reports/periodic?form=BC-6THANG&period=2024-H1", &vufo)).await.text();
        assert!(completeness.contains("Liên hiệp các tổ chức hữu nghị tỉnh Quảng Nam"), "the unit is listed in the completeness table");
        app
    })
    .await;
}

#[tokio::test]
async fn a_unit_formed_by_the_merger_files_and_reads_the_years_of_the_units_it_carries() {
    each_backend(|app| async move {
        let vufo = app.token("vufo@demo.amity").await;
        let kh = app.token("khanhhoa@demo.amity").await;
        let old = app.unit_by_code(&vufo, "56", "2024-06-30").await;
        let new = app.unit_by_code(&vufo, "56", "2026-01-01").await;
        assert_ne!(old["id"], new["id"], "today's Khánh Hòa was formed on 2025-07-01");
        // Old Khánh Hòa's 2024 work, recorded by today's union.
        let event = json!({"type": "friendship_exchange", "channel": "in_person", "title": "Giao lưu hữu nghị Việt – Lào tại Nha Trang",
            "start_on": "2024-09-10", "end_on": "2024-09-10", "place_country": "VN", "participants": 80, "foreign_participants": 20,
            "countries": ["LA"], "owner_unit_id": old["id"]});
        let r = app.call(Method::POST, "/api/v1/events", Some(&kh), Some(event)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());

        // The union files its 2024 annual report as itself, through the page.
        let (session, csrf) = sign_in(&app, "khanhhoa@demo.amity").await;
        let cookie = format!("amity_session={session}");
        let list = app.get("/reports/periodic", &kh).await.text();
        assert!(list.contains(&format!(r#"<option value="{}""#, new["id"])), "today's union is offered");
        let r = app.send(form("/reports/periodic", &cookie, &format!("csrf_token={csrf}&form=BC-NAM&unit={}&period=2024", new["id"]))).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let location = r.headers[header::LOCATION].to_str().expect("location").to_owned();
        let shown = app.get(&location, &kh).await.text();
        assert!(shown.contains("Quy đổi theo cơ cấu hiện nay"), "the page says the figures are restated");
        let id: i64 = location.rsplit('/').next().and_then(|i| i.parse().ok()).expect("id");
        let report = app.get(&format!("/api/v1/reports/{id}"), &kh).await.json();
        let events = |r: &Value| r["computed"].as_array().expect("computed").iter().find(|v| v["code"] == "events").map(|v| v["value"].clone()).expect("events");
        assert_eq!(report["reading"], "current");
        assert!(events(&report).as_f64().expect("a number") >= 1.0, "old Khánh Hòa's event is counted: {report}");

        // The summary and the dashboard of the same unit and year give the same figure, read the
        // same way, unless another reading is asked for.
        let summary = app.get(&format!("/reports?unit={}&period=2024", new["id"]), &kh).await.text();
        assert!(summary.contains(r#"<option value="current" selected"#), "the summary opens restated for a unit formed later");
        let api = app.get(&format!("/api/v1/reports/summary?unit={}&period=2024&structure=current", new["id"]), &kh).await.json();
        let from_summary = api["indicators"].as_array().expect("indicators").iter().find(|v| v["code"] == "events").map(|v| v["subtree"].clone()).expect("events");
        assert_eq!(from_summary, events(&report), "report and summary agree");
        let dashboard = app.get("/dashboard?year=2024", &kh).await.text();
        assert!(dashboard.contains("Quy đổi theo cơ cấu hiện nay"), "the dashboard says its reading");

        // Nobody files that year twice: not the old unit, not the new one again.
        let r = app.call(Method::POST, "/api/v1/reports", Some(&vufo), Some(json!({"form": "BC-NAM", "period": "2024", "unit": old["id"]}))).await;
        assert_eq!((r.status, r.error_field()), (StatusCode::CONFLICT, "period".to_owned()), "{}", r.text());
        let r = app.send(form("/reports/periodic", &cookie, &format!("csrf_token={csrf}&form=BC-NAM&unit={}&period=2024", new["id"]))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("đã có báo cáo BC-NAM kỳ 2024"), "said in Vietnamese beside the period");
        // A year before any of the units it carries existed is refused in words.
        let r = app.send(form("/reports/periodic", &cookie, &format!("csrf_token={csrf}&form=BC-NAM&unit={}&period=1990", new["id"]))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("chưa tồn tại trong kỳ 1990"), "{}", r.text());

        // The centre's completeness counts both old units the report covers as filed.
        let body = format!(
            "csrf_token={csrf}&results=Giao+l%C6%B0u+h%E1%BB%AFu+ngh%E1%BB%8B&shortcomings=&directions=\
             &value_members_new=0&value_funds_mobilized=50.000.000&value_media_items=3&value_trainings=1&then=submitted"
        );
        let r = app.send(form(&format!("/reports/{id}/edit"), &cookie, &body)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let c = app.get("/api/v1/reports/completeness?form=BC-NAM&period=2024", &vufo).await.json();
        let standing = c["units"].as_array().expect("units").iter().find(|u| u["unit_id"] == old["id"]).cloned().expect("old Khánh Hòa");
        assert_eq!(standing["report_id"], json!(id), "{c}");
        let r = app.call(Method::POST, &format!("/api/v1/reports/{id}/transitions"), Some(&vufo), Some(json!({"to": "approved"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        app
    })
    .await;
}

#[tokio::test]
async fn cluster_3_restated_has_seven_units_with_quang_nam_inside_da_nang() {
    each_backend(|app| async move {
        let admin = app.token("admin@demo.amity").await;
        let qn = app.token("quangnam@demo.amity").await;
        let event = json!({"type": "friendship_exchange", "channel": "in_person", "title": "Giao lưu hữu nghị Việt – Lào tại Tam Kỳ",
            "start_on": "2023-03-15", "end_on": "2023-03-15", "place_country": "VN", "participants": 50, "foreign_participants": 12, "countries": ["LA"]});
        assert_eq!(app.call(Method::POST, "/api/v1/events", Some(&qn), Some(event)).await.status, StatusCode::CREATED);
        let cluster = app.unit_by_code(&admin, "CUM-3", "2023-06-01").await;
        let path = |structure: &str| format!("/api/v1/reports/summary?unit={}&period=2023&structure={structure}", cluster["id"]);
        let events = |s: &Value| s["indicators"].as_array().expect("indicators").iter().find(|i| i["code"] == "events").cloned().expect("events");
        let names = |s: &Value| -> Vec<String> {
            s["parts"].as_array().expect("parts").iter().map(|p| p["unit_name"].as_str().unwrap_or_default().to_owned()).collect()
        };

        let then = app.get(&path("then"), &admin).await.json();
        assert_eq!(names(&then).len(), 11, "as organized in 2023: eleven provinces: {:?}", names(&then));
        let quang_nam = then["parts"].as_array().expect("parts").iter().find(|p| p["unit_name"].as_str().is_some_and(|n| n.contains("Quảng Nam"))).expect("Quảng Nam");
        assert_eq!(quang_nam["values"]["events"], 1.0);
        assert_eq!(events(&then)["subtree"], 5.0, "the four joint activities and Quảng Nam's exchange");

        let now = app.get(&path("current"), &admin).await.json();
        let today = names(&now);
        assert_eq!(today.len(), 7, "restated to today's structure: {today:?}");
        for province in ["Hà Tĩnh", "Quảng Trị", "Huế", "Đà Nẵng", "Gia Lai", "Đắk Lắk", "Khánh Hòa"] {
            assert!(today.iter().any(|n| n.contains(province)), "{province} in {today:?}");
        }
        let da_nang = now["parts"].as_array().expect("parts").iter().find(|p| p["unit_name"].as_str().is_some_and(|n| n.contains("Đà Nẵng"))).expect("Đà Nẵng");
        assert_eq!(da_nang["values"]["events"], 2.0, "the old city's contest and Quảng Nam's exchange: {da_nang}");
        let carried: Vec<&str> = da_nang["carries"].as_array().expect("carries").iter().filter_map(|c| c["unit_name"].as_str()).collect();
        assert!(carried.iter().any(|n| n.contains("Quảng Nam")), "{carried:?}");
        assert_eq!((events(&now)["subtree"].clone(), events(&now)["previous"].clone()), (json!(5.0), json!(0.0)), "2022 read on the same structure");
        let joined = now["notes"].as_array().expect("notes").iter().find(|n| n["kind"] == "joined" && n["unit_name"].as_str().is_some_and(|u| u.contains("Ninh Thuận")));
        assert!(joined.is_some(), "Ninh Thuận was outside Cluster 3 in 2023; its values now count in Khánh Hòa's: {}", now["notes"]);

        // A province that merges into a unit outside the cluster is explained, not dropped.
        let ha_tinh = app.unit_by_code(&admin, "42", "2026-01-01").await;
        let nghe_an = app.unit_by_code(&admin, "40", "2026-01-01").await;
        let r = app
            .call(Method::POST, "/api/v1/org-units/merge", Some(&admin), Some(json!({"from": [ha_tinh["id"]], "into": nghe_an["id"], "date": "2026-01-01"})))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let now = app.get(&path("current"), &admin).await.json();
        assert_eq!(names(&now).len(), 6);
        let left = now["notes"].as_array().expect("notes").iter().find(|n| n["kind"] == "left").cloned().expect("a note for Hà Tĩnh");
        assert!(left["unit_name"].as_str().is_some_and(|n| n.contains("Hà Tĩnh")), "{left}");
        assert!(left["now_in"][0]["unit_name"].as_str().is_some_and(|n| n.contains("Nghệ An")), "{left}");
        let page = app.get(&format!("/reports?unit={}&period=2023&structure=current", cluster["id"]), &admin).await.text();
        assert!(page.contains("Nghệ An") && page.contains("Ninh Thuận"), "the page explains both crossings");
        app
    })
    .await;
}

/// The text of a DOCX body, run by run.
fn docx_text(bytes: &[u8]) -> (String, usize) {
    use std::io::Read;
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a DOCX is a zip archive");
    let mut xml = String::new();
    archive
        .by_name("word/document.xml")
        .expect("the document part")
        .read_to_string(&mut xml)
        .expect("UTF-8 XML");
    let tables = xml.matches("<w:tbl>").count();
    let text = xml
        .split("<w:t")
        .skip(1)
        .filter_map(|piece| {
            piece
                .split_once('>')
                .map(|(_, rest)| rest.split("</w:t>").next().unwrap_or_default())
        })
        .collect::<Vec<_>>()
        .join("");
    (text, tables)
}

#[tokio::test]
async fn report_documents_and_dashboards_hold_only_the_readers_scope() {
    each_backend(|app| async move {
        let kh = app.token("khanhhoa@demo.amity").await;
        let qn = app.token("quangnam@demo.amity").await;
        let draft = app.report_of(&kh, "BC-NAM", 2023, "Khánh Hòa").await;
        let docx = app
            .get(&format!("/api/v1/reports/{}/export.docx", draft["id"]), &kh)
            .await;
        assert_eq!(docx.status, StatusCode::OK, "{}", docx.text());
        let (text, tables) = docx_text(&docx.body);
        for expected in [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "LIÊN HIỆP CÁC TỔ CHỨC HỮU NGHỊ TỈNH KHÁNH HÒA",
            "Khánh Hòa, ngày",
            "BÁO CÁO",
            "Báo cáo tổng kết công tác năm 2023",
            "(Dự thảo)",
            "Liên hoan hữu nghị tại Ấn Độ",
            "Số đoàn ra",
            "TM. LIÊN HIỆP",
        ] {
            assert!(text.contains(expected), "{expected} missing from {text}");
        }
        assert_eq!(
            tables, 4,
            "heading, computed and entered indicators, signature block"
        );
        let xlsx = app
            .get(&format!("/api/v1/reports/{}/export.xlsx", draft["id"]), &kh)
            .await;
        assert_eq!(xlsx.status, StatusCode::OK);
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.body.clone()))
                .expect("an XLSX workbook");
        let sheet =
            calamine::Reader::worksheet_range(&mut book, "Báo cáo").expect("the report sheet");
        let events_row = sheet
            .rows()
            .find(|r| r.get(1).is_some_and(|c| *c == "Số sự kiện, hoạt động"))
            .expect("the events row");
        assert_eq!(
            events_row.get(3).and_then(calamine::DataType::get_float),
            Some(1.0),
            "Khánh Hòa's 2023 workshop, as a number"
        );

        // Another union gets neither the report nor a summary of a unit outside its scope.
        assert_eq!(
            app.get(&format!("/api/v1/reports/{}/export.docx", draft["id"]), &qn)
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let kh_unit = draft["unit_id"].clone();
        for ext in ["docx", "xlsx"] {
            let r = app
                .get(
                    &format!("/api/v1/reports/summary/export.{ext}?unit={kh_unit}&period=2023"),
                    &qn,
                )
                .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{ext}");
        }
        let admin = app.token("admin@demo.amity").await;
        let cluster = app.unit_by_code(&admin, "CUM-3", "2023-06-01").await;
        let summary = app
            .get(
                &format!(
                    "/api/v1/reports/summary/export.docx?unit={}&period=2023&structure=current",
                    cluster["id"]
                ),
                &admin,
            )
            .await;
        assert_eq!(summary.status, StatusCode::OK);
        let (text, _) = docx_text(&summary.body);
        assert!(
            text.contains("BÁO CÁO SỐ LIỆU")
                && text.contains("quy đổi theo cơ cấu tổ chức hiện nay")
                && text.contains("Ninh Thuận"),
            "{text}"
        );

        // A union's dashboard shows its own subtree only.
        let (session, _) = sign_in(&app, "quangnam@demo.amity").await;
        let page = |path: &str| {
            Request::get(path)
                .header(header::COOKIE, format!("amity_session={session}"))
                .body(Body::empty())
                .expect("request")
        };
        let dash = app.send(page("/dashboard?year=2023")).await;
        assert_eq!(dash.status, StatusCode::OK);
        let text = dash.text();
        assert!(
            !text.contains("Trung Quốc") && !text.contains("Khánh Hòa"),
            "nothing of the other unions' 2023 work"
        );
        assert!(
            text.contains("Báo cáo còn thiếu"),
            "the reports still missing are listed"
        );
        app
    })
    .await;
}

#[tokio::test]
async fn work_plans_set_tasks_against_what_was_done_within_scope() {
    each_backend(|app| async move {
        let qn = app.token("quangnam@demo.amity").await;
        let kh = app.token("khanhhoa@demo.amity").await;
        let vufo = app.token("vufo@demo.amity").await;
        let viewer = app.token("viewer@demo.amity").await;

        // The secretariat's ten priorities for 2022 are in the demo; a province does not see them.
        let plans = app.get("/api/v1/work-plans?year=2022", &vufo).await.json();
        assert_eq!(plans["total"], 1, "{plans}");
        assert_eq!((plans["items"][0]["priorities"].clone(), plans["items"][0]["tasks"].clone()), (json!(10), json!(7)));
        let secretariat = format!("/api/v1/work-plans/{}", plans["items"][0]["id"]);
        assert_eq!(app.get("/api/v1/work-plans", &qn).await.json()["total"], 0);
        assert_eq!(app.get(&secretariat, &qn).await.status, StatusCode::NOT_FOUND);

        // Quảng Nam draws up its own plan; bad input names the field and changes nothing.
        let audit = app.audit_total(&vufo).await;
        for (body, field, status) in [
            (json!({"year": 1990, "title": "Kế hoạch"}), "year", StatusCode::UNPROCESSABLE_ENTITY),
            (json!({"year": 2025, "title": "  "}), "title", StatusCode::UNPROCESSABLE_ENTITY),
            (json!({"year": 2025}), "title", StatusCode::UNPROCESSABLE_ENTITY),
        ] {
            let r = app.call(Method::POST, "/api/v1/work-plans", Some(&qn), Some(body.clone())).await;
            assert_eq!((r.status, r.error_field()), (status, field.to_owned()), "{body}: {}", r.text());
        }
        let r = app.call(Method::POST, "/api/v1/work-plans", Some(&viewer), Some(json!({"year": 2025, "title": "Xem", "unit_id": 1}))).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
        assert_eq!(app.audit_total(&vufo).await, audit, "refused writes leave no trace");
        let r = app.call(Method::POST, "/api/v1/work-plans", Some(&qn), Some(json!({"year": 2025, "title": "Kế hoạch công tác năm 2025"}))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let plan = r.json();
        let path = format!("/api/v1/work-plans/{}", plan["id"]);
        let again = app.call(Method::POST, "/api/v1/work-plans", Some(&qn), Some(json!({"year": 2025, "title": "Lần nữa"}))).await;
        assert_eq!(again.status, StatusCode::CONFLICT, "one plan per unit and year");
        for title in ["Giao lưu hữu nghị với Lào", "Vận động viện trợ"] {
            let r = app.call(Method::POST, &format!("{path}/priorities"), Some(&qn), Some(json!({"title": title}))).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        }

        // Tasks: checked fields, evidence only from what the unit can see.
        let event = |title: &str| json!({"type": "friendship_exchange", "title": title, "start_on": "2025-03-15"});
        let r = app.call(Method::POST, "/api/v1/events", Some(&qn), Some(event("Giao lưu thanh niên Việt – Lào"))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let own_event = r.json()["id"].as_i64().expect("Quảng Nam's event");
        let kh_event = app.call(Method::POST, "/api/v1/events", Some(&kh), Some(event("Gặp mặt hữu nghị"))).await.json()["id"].as_i64().expect("Khánh Hòa's event");
        let tasks = format!("{path}/tasks");
        for (body, field) in [
            (json!({"priority": 3, "title": "Không có trọng tâm này"}), "priority"),
            (json!({"priority": 1, "title": "Tiến độ sai", "progress": 140}), "progress"),
            (json!({"priority": 1, "title": "Việc của tỉnh khác", "evidence": [{"kind": "event", "id": kh_event}]}), "evidence[0]"),
            (json!({"priority": 1, "title": "Chưa xong", "status": "planned", "done_on": "2025-03-01"}), "done_on"),
        ] {
            let r = app.call(Method::POST, &tasks, Some(&qn), Some(body.clone())).await;
            assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, field.to_owned()), "{body}: {}", r.text());
        }
        let r = app
            .call(
                Method::POST,
                &tasks,
                Some(&qn),
                Some(json!({"priority": 1, "title": "Tổ chức giao lưu thanh niên", "deadline": "2025-06-30", "status": "in_progress", "progress": 40,
                    "evidence": [{"kind": "event", "id": own_event}]})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let r = app.call(Method::POST, &tasks, Some(&qn), Some(json!({"priority": 2, "title": "Khảo sát nhu cầu viện trợ", "deadline": "2025-09-30"}))).await;
        let p = r.json();
        assert_eq!(p["priorities"][0]["tasks"][0]["evidence"][0]["url"], json!(format!("/events/{own_event}")), "{p}");
        assert_eq!(p["tally"]["tasks"], 2);
        assert_eq!(p["tally"]["overdue"], 2, "both deadlines of 2025 have passed unfinished: {p}");
        assert_eq!(p["tally"]["progress"], 20.0, "mean of 40 % and 0 %");

        // Done: at 100 %, dated, no longer overdue; only the unit's staff may say so.
        let first = p["priorities"][0]["tasks"][0]["id"].clone();
        let done = json!({"priority": 1, "title": "Tổ chức giao lưu thanh niên", "deadline": "2025-06-30", "status": "done", "done_on": "2025-06-20",
            "evidence": [{"kind": "event", "id": own_event}]});
        let vietlao = app.token("vietlao@demo.amity").await;
        assert_eq!(app.get(&path, &vietlao).await.status, StatusCode::NOT_FOUND, "an association does not see a province's plan");
        for (who, token, status) in [("viewer", &viewer, StatusCode::FORBIDDEN), ("khanhhoa", &kh, StatusCode::FORBIDDEN), ("vietlao", &vietlao, StatusCode::NOT_FOUND)] {
            let r = app.call(Method::PATCH, &format!("{tasks}/{first}"), Some(token), Some(done.clone())).await;
            assert_eq!(r.status, status, "{who}: {}", r.text());
        }
        let r = app.call(Method::PATCH, &format!("{tasks}/{first}"), Some(&qn), Some(done)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let p = r.json();
        let task = &p["priorities"][0]["tasks"][0];
        assert_eq!((task["progress"].clone(), task["on_time"].clone(), task["overdue"].clone()), (json!(100), json!(true), json!(false)));
        assert_eq!((p["tally"]["done"].clone(), p["tally"]["done_on_time"].clone(), p["tally"]["overdue"].clone()), (json!(1), json!(1), json!(1)));
        assert_eq!(p["tally"]["with_evidence"], 1);
        let trail = app.get(&format!("/api/v1/audit?entity_type=work_plan&entity_id={}", plan["id"]), &vufo).await.json();
        assert_eq!(trail["total"], 6, "the plan, two priorities, two tasks and one change: {trail}");
        assert!(app.audit_total(&vufo).await > audit);
        app
    })
    .await;
}

#[tokio::test]
async fn a_work_plan_is_kept_through_its_pages() {
    each_backend(|app| async move {
        let page = |path: &str, cookie: &str| Request::get(path).header(header::COOKIE, cookie).body(Body::empty()).expect("request");
        let (session, csrf) = sign_in(&app, "quangnam@demo.amity").await;
        let qn = format!("amity_session={session}");
        let list = app.send(page("/plans", &qn)).await.text();
        assert!(list.contains("Chưa có kế hoạch nào") && list.contains("Lập kế hoạch"), "{list}");
        let r = app.send(form("/plans", &qn, &format!("csrf_token={csrf}&year=n%C4%83m&title=K%E1%BA%BF+ho%E1%BA%A1ch"))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("year-error"), "the error sits beside the year");
        let r = app.send(form("/plans", &qn, &format!("csrf_token={csrf}&year=2026&title=K%E1%BA%BF+ho%E1%BA%A1ch+2026"))).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let location = r.headers[header::LOCATION].to_str().expect("location").to_owned();
        let r = app.send(form(&format!("{location}/priorities"), &qn, &format!("csrf_token={csrf}&title=%C4%90o%C3%A0n+k%E1%BA%BFt"))).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let r = app.send(form(&format!("{location}/tasks"), &qn, &format!("csrf_token={csrf}&priority=1&status=planned&title=&deadline=31%2F13%2F2026"))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let text = r.text();
        assert!(text.contains("deadline-error"), "{text}");
        let r = app
            .send(form(&format!("{location}/tasks"), &qn, &format!("csrf_token={csrf}&priority=1&status=planned&title=G%E1%BA%B7p+m%E1%BA%B7t&deadline=30%2F06%2F2026&evidence=")))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let shown = app.send(page(&location, &qn)).await.text();
        assert!(shown.contains("1. Đoàn kết") && shown.contains("Gặp mặt") && shown.contains("Kế hoạch và thực hiện"), "{shown}");
        let task: i64 = shown.split(&format!("{location}/tasks/")).nth(1).and_then(|s| s.split('"').next()).and_then(|s| s.parse().ok()).expect("task form");
        let r = app
            .send(form(&format!("{location}/tasks/{task}"), &qn, &format!("csrf_token={csrf}&priority=1&title=G%E1%BA%B7p+m%E1%BA%B7t&deadline=2026-06-30&status=in_progress&progress=abc&evidence=")))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a word for a percentage");
        assert!(r.text().contains("Tiến độ: "), "named by its label in the notice");
        let r = app
            .send(form(&format!("{location}/tasks/{task}"), &qn, &format!("csrf_token={csrf}&priority=1&title=G%E1%BA%B7p+m%E1%BA%B7t&deadline=2026-06-30&status=in_progress&progress=60&evidence=")))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let shown = app.send(page(&location, &qn)).await.text();
        assert!(shown.contains("value=\"60\"") && shown.contains("Đang thực hiện"), "{shown}");
        app
    })
    .await;
}

#[cfg(feature = "pdf")]
#[tokio::test]
async fn a_report_and_a_summary_come_as_pdf_within_the_readers_scope() {
    use unicode_normalization::UnicodeNormalization;
    let text_of = |pdf: &[u8]| {
        let text = pdf_extract::extract_text_from_mem(pdf).expect("the PDF's text extracts");
        text.nfc()
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    each_backend(|app| async move {
        let kh = app.token("khanhhoa@demo.amity").await;
        let qn = app.token("quangnam@demo.amity").await;
        let id = app.report_of(&kh, "BC-NAM", 2023, "Khánh Hòa").await["id"].clone();
        let pdf = app
            .get(&format!("/api/v1/reports/{id}/export.pdf"), &kh)
            .await;
        assert_eq!(pdf.status, StatusCode::OK, "{}", pdf.text());
        assert_eq!(pdf.headers[header::CONTENT_TYPE], "application/pdf");
        let text = text_of(&pdf.body);
        for expected in [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "BÁO CÁO",
            "Báo cáo tổng kết công tác năm 2023",
            "Liên hoan hữu nghị tại Ấn Độ",
            "Số đoàn ra",
        ] {
            assert!(text.contains(expected), "{expected} missing from {text}");
        }
        assert_eq!(
            app.get(&format!("/api/v1/reports/{id}/export.pdf"), &qn)
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let cluster = app.unit_by_code(&kh, "CUM-3", "2023-06-30").await;
        let vufo = app.token("vufo@demo.amity").await;
        let summary = app
            .get(
                &format!(
                    "/api/v1/reports/summary/export.pdf?unit={}&period=2023&structure=current",
                    cluster["id"]
                ),
                &vufo,
            )
            .await;
        assert_eq!(summary.status, StatusCode::OK, "{}", summary.text());
        let text = text_of(&summary.body);
        assert!(
            text.contains("Đà Nẵng") && text.contains("Quảng Nam"),
            "the restated parts and what Đà Nẵng carries: {text}"
        );
        let r = app
            .get(
                &format!(
                    "/api/v1/reports/summary/export.pdf?unit={}&period=2023",
                    cluster["id"]
                ),
                &qn,
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
        app
    })
    .await;
}

#[tokio::test]
async fn a_cluster_ranks_its_members_from_approved_reports_and_entered_points() {
    each_backend(|app| async move {
        let qn = app.token("quangnam@demo.amity").await;
        let kh = app.token("khanhhoa@demo.amity").await;
        let vufo = app.token("vufo@demo.amity").await;
        let viewer = app.token("viewer@demo.amity").await;
        let vietlao = app.token("vietlao@demo.amity").await;
        let cluster = app.unit_by_code(&vufo, "CUM-3", "2023-06-01").await["id"].clone();
        let quang_nam = app.unit_by_code(&vufo, "49", "2023-06-01").await["id"].clone();
        let khanh_hoa = app.unit_by_code(&vufo, "56", "2023-06-01").await["id"].clone();

        // Quảng Nam's 2023 annual report, approved: its entered values are what gets scored.
        let r = app.call(Method::POST, "/api/v1/reports", Some(&qn), Some(json!({"form": "BC-NAM", "period": "2023"}))).await;
        let path = format!("/api/v1/reports/{}", r.json()["id"]);
        let content = json!({"results": "Phối hợp tổ chức hội thảo của Cụm.", "values": {"members_new": 12, "funds_mobilized": 0, "media_items": 4, "trainings": 1}});
        assert_eq!(app.call(Method::PATCH, &path, Some(&qn), Some(content)).await.status, StatusCode::OK);
        assert_eq!(app.call(Method::POST, &format!("{path}/transitions"), Some(&qn), Some(json!({"to": "submitted"}))).await.status, StatusCode::OK);
        assert_eq!(app.call(Method::POST, &format!("{path}/transitions"), Some(&vufo), Some(json!({"to": "approved"}))).await.status, StatusCode::OK);

        // Criteria: set by central staff or the year's lead union, checked, never twice.
        let criterion = |code: &str, indicator: Option<&str>, weight: f64| {
            json!({"cluster": cluster, "year": 2023, "code": code, "name": format!("Tiêu chí {code}"), "indicator": indicator, "weight": weight})
        };
        for (token, status) in [(&qn, StatusCode::FORBIDDEN), (&viewer, StatusCode::FORBIDDEN)] {
            let r = app.call(Method::POST, "/api/v1/emulation/criteria", Some(token), Some(criterion("events", Some("events"), 40.0))).await;
            assert_eq!(r.status, status, "{}", r.text());
        }
        for (body, field) in [
            (criterion("events", Some("events"), 0.0), "weight"),
            (criterion("stars", Some("stars"), 10.0), "indicator"),
            (criterion("sai mã", None, 10.0), "code"),
        ] {
            let r = app.call(Method::POST, "/api/v1/emulation/criteria", Some(&kh), Some(body.clone())).await;
            assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, field.to_owned()), "{body}: {}", r.text());
        }
        for (token, body) in [(&kh, criterion("events", Some("events"), 40.0)), (&vufo, criterion("members_new", Some("members_new"), 30.0)), (&kh, criterion("coordination", None, 30.0))] {
            let r = app.call(Method::POST, "/api/v1/emulation/criteria", Some(token), Some(body)).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        }
        let again = app.call(Method::POST, "/api/v1/emulation/criteria", Some(&vufo), Some(criterion("events", Some("events"), 10.0))).await;
        assert_eq!(again.status, StatusCode::CONFLICT);

        // Points entered by hand stay within the criterion's weight and the cluster's members.
        let points = |code: &str, unit: &Value, p: f64| json!({"cluster": cluster, "year": 2023, "code": code, "unit_id": unit, "points": p});
        for (body, field) in [
            (points("coordination", &khanh_hoa, 31.0), "points"),
            (points("events", &khanh_hoa, 5.0), "code"),
            (points("coordination", &json!(1), 5.0), "unit_id"),
        ] {
            let r = app.call(Method::PUT, "/api/v1/emulation/points", Some(&kh), Some(body.clone())).await;
            assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, field.to_owned()), "{body}: {}", r.text());
        }
        assert_eq!(app.call(Method::PUT, "/api/v1/emulation/points", Some(&kh), Some(points("coordination", &khanh_hoa, 20.0))).await.status, StatusCode::OK);
        let r = app.call(Method::PUT, "/api/v1/emulation/points", Some(&kh), Some(points("coordination", &khanh_hoa, 25.0))).await;
        assert_eq!(r.status, StatusCode::OK, "entering again replaces the points");
        let ranking = r.json();
        assert_eq!((ranking["total_weight"].clone(), ranking["standings"].as_array().map(Vec::len)), (json!(100.0), Some(11)), "{ranking}");
        let standing = |unit: &Value| ranking["standings"].as_array().expect("standings").iter().find(|s| s["unit_id"] == *unit).cloned().expect("member");
        let (qn_standing, kh_standing) = (standing(&quang_nam), standing(&khanh_hoa));
        assert_eq!((qn_standing["rank"].clone(), qn_standing["score"].clone()), (json!(1), json!(30.0)), "the most new members, the only approved report: {ranking}");
        assert!(qn_standing["report_id"].is_i64());
        assert_eq!((kh_standing["rank"].clone(), kh_standing["score"].clone()), (json!(2), json!(25.0)), "coordination points; its report is still a draft");
        assert_eq!(kh_standing["report_id"], Value::Null);
        assert_eq!(ranking["standings"][10]["rank"], json!(3), "the other nine share third place");

        // Readers of the cluster see it; an association does not.
        assert_eq!(app.get(&format!("/api/v1/emulation?cluster={cluster}&year=2023"), &qn).await.status, StatusCode::OK);
        assert_eq!(app.get(&format!("/api/v1/emulation?cluster={cluster}&year=2023"), &vietlao).await.status, StatusCode::NOT_FOUND);
        let trail = app.get(&format!("/api/v1/audit?entity_type=emulation&entity_id={cluster}"), &vufo).await.json();
        assert_eq!(trail["total"], 5, "three criteria and two entries: {trail}");
        app
    })
    .await;
}

#[tokio::test]
async fn award_proposals_go_up_the_chain_to_a_decision() {
    each_backend(|app| async move {
        let qn = app.token("quangnam@demo.amity").await;
        let vufo = app.token("vufo@demo.amity").await;
        let vietlao = app.token("vietlao@demo.amity").await;
        let quang_nam = app.unit_by_code(&vufo, "49", "2023-06-01").await["id"].clone();
        let audit = app.audit_total(&vufo).await;
        for (body, field) in [
            (json!({"award_type": "certificate", "year": 2023, "reason": "Thành tích xuất sắc"}), "recipient"),
            (json!({"award_type": "certificate", "year": 2023, "reason": "x", "recipient_name": "A", "recipient_unit_id": quang_nam}), "recipient"),
            (json!({"award_type": "certificate", "year": 2023, "recipient_unit_id": quang_nam}), "reason"),
            (json!({"award_type": "trophy", "year": 2023, "reason": "x", "recipient_name": "A"}), "award_type"),
            (json!({"award_type": "medal", "year": 1900, "reason": "x", "recipient_name": "A"}), "year"),
        ] {
            let r = app.call(Method::POST, "/api/v1/awards", Some(&qn), Some(body.clone())).await;
            assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, field.to_owned()), "{body}: {}", r.text());
        }
        assert_eq!(app.audit_total(&vufo).await, audit, "nothing saved");
        let r = app
            .call(
                Method::POST,
                "/api/v1/awards",
                Some(&qn),
                Some(json!({"award_type": "emulation_flag", "year": 2023, "reason": "Dẫn đầu phong trào thi đua Cụm 3", "recipient_unit_id": quang_nam})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let award = r.json();
        assert_eq!((award["state"].clone(), award["recipient_name"].as_str().is_some_and(|n| n.contains("Quảng Nam"))), (json!("proposed"), true));
        let moves = format!("/api/v1/awards/{}/transitions", award["id"]);
        assert_eq!(app.call(Method::POST, &moves, Some(&qn), Some(json!({"to": "approved"}))).await.status, StatusCode::CONFLICT, "not sent up yet");
        assert_eq!(app.call(Method::POST, &moves, Some(&qn), Some(json!({"to": "submitted"}))).await.status, StatusCode::OK);
        let decision = json!({"to": "approved", "decision_number": "125/QĐ-LHHN", "decided_on": "2024-01-15", "issuer": "Chủ tịch Liên hiệp các tổ chức hữu nghị Việt Nam"});
        assert_eq!(app.call(Method::POST, &moves, Some(&qn), Some(decision.clone())).await.status, StatusCode::FORBIDDEN, "the proposer does not decide");
        let r = app.call(Method::POST, &moves, Some(&vufo), Some(json!({"to": "approved", "decided_on": "2024-01-15"}))).await;
        assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, "decision_number".to_owned()));
        let r = app.call(Method::POST, &moves, Some(&vufo), Some(json!({"to": "refused"}))).await;
        assert_eq!((r.status, r.error_field()), (StatusCode::UNPROCESSABLE_ENTITY, "comment".to_owned()), "a refusal gives its reason");
        let r = app.call(Method::POST, &moves, Some(&vufo), Some(decision)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let decided = r.json();
        assert_eq!((decided["state"].clone(), decided["decision_number"].clone(), decided["moves"].as_array().map(Vec::len)), (json!("approved"), json!("125/QĐ-LHHN"), Some(2)));
        assert_eq!(app.call(Method::POST, &moves, Some(&vufo), Some(json!({"to": "refused", "comment": "x"}))).await.status, StatusCode::CONFLICT, "a decision stands");
        let register = app.get("/api/v1/awards?year=2023&type=emulation_flag&state=approved", &qn).await.json();
        assert_eq!(register["total"], 1, "{register}");
        assert_eq!(app.get("/api/v1/awards", &vietlao).await.json()["total"], 0, "another unit's register is not an association's");
        assert_eq!(app.get(&format!("/api/v1/awards/{}", award["id"]), &vietlao).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get("/api/v1/awards?type=trophy", &qn).await.error_field(), "type");
        assert_eq!(app.audit_total(&vufo).await, audit + 3, "the proposal, sending it up and the decision");
        app
    })
    .await;
}

#[tokio::test]
async fn emulation_and_awards_are_kept_through_their_pages() {
    each_backend(|app| async move {
        let page = |path: &str, cookie: &str| Request::get(path).header(header::COOKIE, cookie).body(Body::empty()).expect("request");
        let (session, csrf) = sign_in(&app, "vufo@demo.amity").await;
        let vufo = format!("amity_session={session}");
        let cluster = app.unit_by_code(&app.token("vufo@demo.amity").await, "CUM-3", "2023-06-01").await["id"].clone();
        let shown = app.send(page(&format!("/emulation?cluster={cluster}&year=2023"), &vufo)).await.text();
        assert!(shown.contains("Cụm chưa có tiêu chí thi đua") && shown.contains("Thêm tiêu chí"), "{shown}");
        let r = app.send(form("/emulation/criteria", &vufo, &format!("csrf_token={csrf}&cluster={cluster}&year=2023&code=events&name=S%E1%BB%B1+ki%E1%BB%87n&indicator=events&weight=abc"))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("weight-error"), "beside the weight");
        let r = app.send(form("/emulation/criteria", &vufo, &format!("csrf_token={csrf}&cluster={cluster}&year=2023&code=coordination&name=Ph%E1%BB%91i+h%E1%BB%A3p&indicator=&weight=20"))).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let shown = app.send(page(&format!("/emulation?cluster={cluster}&year=2023"), &vufo)).await.text();
        assert!(shown.contains("Phối hợp") && shown.contains("Chấm điểm"), "{shown}");

        let (qn_session, qn_csrf) = sign_in(&app, "quangnam@demo.amity").await;
        let qn = format!("amity_session={qn_session}");
        let r = app.send(form("/awards", &qn, &format!("csrf_token={qn_csrf}&award_type=certificate&recipient_name=Nguy%E1%BB%85n+V%C4%83n+A&year=2025&reason="))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("reason-error"));
        let r = app.send(form("/awards", &qn, &format!("csrf_token={qn_csrf}&award_type=certificate&recipient_name=Nguy%E1%BB%85n+V%C4%83n+A&year=2025&reason=T%C3%ADch+c%E1%BB%B1c"))).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let shown = app.send(page("/awards", &qn)).await.text();
        assert!(shown.contains("Nguyễn Văn A") && shown.contains("Bằng khen") && shown.contains("Trình"), "{shown}");
        let id: i64 = shown.split("/awards/").nth(1).and_then(|s| s.split('/').next()).and_then(|s| s.parse().ok()).expect("a move form");
        assert_eq!(app.send(form(&format!("/awards/{id}/transitions"), &qn, &format!("csrf_token={qn_csrf}&to=submitted"))).await.status, StatusCode::SEE_OTHER);
        let r = app.send(form(&format!("/awards/{id}/transitions"), &vufo, &format!("csrf_token={csrf}&to=approved&decision_number=9%2FQ%C4%90&decided_on=15%2F01%2F2026&issuer=Ch%E1%BB%A7+t%E1%BB%8Bch&comment="))).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let shown = app.send(page("/awards?state=approved", &vufo)).await.text();
        assert!(shown.contains("9/QĐ") && shown.contains("15/01/2026"), "{shown}");
        app
    })
    .await;
}

/// The home page is the reader's to-do list: a province's new draft shows under its drafts and
/// the administrator's counts of accounts and units stay off its page.
#[tokio::test]
async fn home_lists_what_waits_for_the_reader() {
    each_backend(|app| async move {
        let kh = app.token("khanhhoa@demo.amity").await;
        let trip = json!({
            "direction": "outbound", "title": "Đoàn khảo sát Viêng Chăn", "start_on": "2027-03-01",
            "end_on": "2027-03-04",
            "legs": [{"country": "LA", "from_on": "2027-03-01", "to_on": "2027-03-04"}]
        });
        let r = app
            .call(Method::POST, "/api/v1/delegations", Some(&kh), Some(trip))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let id = r.json()["id"].as_i64().expect("id");

        let home = app.get("/", &kh).await.text();
        let drafts = home
            .split("Bản nháp của đơn vị")
            .nth(1)
            .expect("the drafts of the unit are listed at home");
        assert!(
            drafts.contains(&format!("/delegations/{id}\""))
                && drafts.contains("Đoàn khảo sát Viêng Chăn")
                && drafts.contains("bắt đầu 01/03/2027"),
            "{home}"
        );
        assert!(
            !home.contains("Tài khoản trong phạm vi") && !home.contains("Đơn vị đang hoạt động"),
            "a province sees no administrator's counts"
        );

        let admin = app.token("admin@demo.amity").await;
        let home = app.get("/", &admin).await.text();
        assert!(home.contains("Tài khoản trong phạm vi"), "{home}");
        assert!(
            !home.contains("Vai trò trong cụm"),
            "a province's cluster role is not the federation's"
        );
        assert!(
            !home.contains("Đoàn khảo sát Viêng Chăn"),
            "another unit's draft is not the administrator's to do"
        );
        app
    })
    .await;
}
