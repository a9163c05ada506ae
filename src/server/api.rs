//! The routes: the page and its assets (compiled in), `GET /healthz`, `GET /api/rules`,
//! and the four checks of an upload — `POST /api/check` (the JSON of
//! `nianbao check --format json`), `/api/view` (what the page shows),
//! `/api/report` (the self-contained HTML report) and `/api/annotate` (the Word
//! document with comments). An upload is a multipart form (field `file`, with its
//! file name) or the raw body with `?name=报告.docx`.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Query, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;

use super::Config;
use crate::report::json;
use crate::{Linter, LoadError, Outcome};

const INDEX_HTML: &str = include_str!("assets/index.html");
const APP_JS: &str = include_str!("assets/app.js");
const APP_CSS: &str = include_str!("assets/app.css");

/// Only this server's own script, style and API; nothing inline, nothing elsewhere.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";
/// The downloaded report: its own inline style, nothing else.
const REPORT_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'";

pub struct State {
    linter: Linter,
    max_upload: usize,
    timeout: Duration,
    checks: Arc<Semaphore>,
    rules_json: String,
}

impl State {
    pub fn new(config: Config) -> Self {
        let rules_json = rules_json(&config.linter);
        State {
            linter: config.linter,
            max_upload: config.max_upload,
            timeout: config.timeout,
            checks: Arc::new(Semaphore::new(config.max_checks.max(1))),
            rules_json,
        }
    }
}

type Shared = Arc<State>;

pub fn router(state: Shared) -> Router {
    // Room for the multipart envelope; the file itself is held to `max_upload`.
    let limit = state.max_upload.saturating_add(64 * 1024);
    Router::new()
        .route(
            "/",
            get(|| async { asset(INDEX_HTML, "text/html; charset=utf-8") }),
        )
        .route(
            "/assets/app.js",
            get(|| async { asset(APP_JS, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/assets/app.css",
            get(|| async { asset(APP_CSS, "text/css; charset=utf-8") }),
        )
        .route("/healthz", get(healthz))
        .route("/api/rules", get(rules))
        .route("/api/check", post(check))
        .route("/api/view", post(view))
        .route("/api/report", post(report))
        .route("/api/annotate", post(annotate))
        .fallback(|| async {
            ApiError::new(StatusCode::NOT_FOUND, "没有这个页面", "打开首页 / 上传报告")
        })
        .layer(DefaultBodyLimit::max(limit))
        .layer(axum::middleware::map_response(security_headers))
        .with_state(state)
}

async fn security_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        );
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

fn asset(body: &'static str, content_type: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

fn json_response(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body,
    )
        .into_response()
}

async fn healthz() -> Response {
    json_response(
        StatusCode::OK,
        format!(
            "{{\"status\":\"ok\",\"version\":\"{}\"}}\n",
            env!("CARGO_PKG_VERSION")
        ),
    )
}

async fn rules(axum::extract::State(state): axum::extract::State<Shared>) -> Response {
    json_response(StatusCode::OK, state.rules_json.clone())
}

#[derive(Serialize)]
struct RuleInfo<'a> {
    id: &'a str,
    severity: crate::Severity,
    enabled: bool,
    kind: &'a str,
    family: &'static str,
    summary: &'a str,
    description: &'a str,
}

fn rules_json(linter: &Linter) -> String {
    let list: Vec<RuleInfo<'_>> = linter
        .pack()
        .rules
        .iter()
        .map(|r| RuleInfo {
            id: &r.meta.id,
            severity: r.meta.severity,
            enabled: r.enabled,
            kind: r.meta.kind,
            family: crate::report::html::family_name(&r.meta.id),
            summary: &r.meta.summary,
            description: &r.meta.description,
        })
        .collect();
    serde_json::to_string_pretty(&list).map_or_else(|_| "[]".into(), |s| s + "\n")
}

/// An error answer: a status and a Chinese message with what to do.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    error: String,
    help: String,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    help: &'a str,
}

impl ApiError {
    fn new(status: StatusCode, error: impl Into<String>, help: impl Into<String>) -> Self {
        ApiError {
            status,
            error: error.into(),
            help: help.into(),
        }
    }

    fn too_large(limit: usize) -> Self {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("文件超过 {} MB 的上传上限", limit.div_ceil(1024 * 1024)),
            "年度报告通常不到 1 MB；请确认选对了文件，或请管理员用 --max-upload 调高上限",
        )
    }

    fn unreadable(e: &LoadError) -> Self {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            e.message(),
            e.help().unwrap_or_default(),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: &self.error,
            help: &self.help,
        };
        let text = serde_json::to_string(&body).unwrap_or_else(|_| "{}".into());
        json_response(self.status, text + "\n")
    }
}

/// An uploaded report: its file name (for messages and the format) and its bytes.
struct Upload {
    name: String,
    bytes: Bytes,
}

#[derive(Deserialize)]
struct NameQuery {
    name: Option<String>,
}

/// The file name to show: the last component of what the client said, without
/// control characters, at most 120 characters. Never used as a path.
fn clean_name(raw: Option<&str>) -> String {
    let raw = raw.unwrap_or_default();
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let name: String = last.chars().filter(|c| !c.is_control()).take(120).collect();
    let name = name.trim();
    if name.is_empty() {
        "上传的报告".into()
    } else {
        name.to_string()
    }
}

async fn upload(state: &Shared, query: Option<String>, req: Request) -> Result<Upload, ApiError> {
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    let limit = state.max_upload;
    let too_large = |status: StatusCode, detail: String| {
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::too_large(limit)
        } else {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                format!("上传的内容无法读取：{detail}"),
                "请重新选择文件上传",
            )
        }
    };
    let upload = if multipart {
        let mut form = Multipart::from_request(req, state)
            .await
            .map_err(|e| too_large(e.status(), e.body_text()))?;
        let mut found = None;
        while let Some(field) = form
            .next_field()
            .await
            .map_err(|e| too_large(e.status(), e.body_text()))?
        {
            if field.name() == Some("file") || field.file_name().is_some() {
                let name = field.file_name().map(str::to_string).or(query.clone());
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| too_large(e.status(), e.body_text()))?;
                found = Some(Upload {
                    name: clean_name(name.as_deref()),
                    bytes,
                });
                break;
            }
        }
        found.ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "请求中没有文件（表单字段 file）",
                "用 multipart/form-data 上传，字段名为 file；或直接把文件作为请求体，并用 ?name=报告.docx 给出文件名",
            )
        })?
    } else {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| too_large(e.status(), e.body_text()))?;
        Upload {
            name: clean_name(query.as_deref()),
            bytes,
        }
    };
    if upload.bytes.len() > limit {
        return Err(ApiError::too_large(limit));
    }
    Ok(upload)
}

/// Runs `work` on a blocking thread once a check slot is free, within the time
/// limit: 503 when no slot frees up in time, 504 when the work takes too long (it
/// keeps its slot until it ends, so the bound on concurrent checks holds).
pub async fn bounded<T: Send + 'static>(
    checks: &Arc<Semaphore>,
    limit: Duration,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    let started = tokio::time::Instant::now();
    let permit = match tokio::time::timeout(limit, checks.clone().acquire_owned()).await {
        Ok(Ok(p)) => p,
        _ => {
            return Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "服务器正忙，检查排队超时",
                "请稍后再试",
            ));
        }
    };
    let task = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        work()
    });
    let left = limit.saturating_sub(started.elapsed());
    match tokio::time::timeout(left, task).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(_)) => Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "检查时发生内部错误",
            "请把这份报告发给维护者",
        )),
        Err(_) => Err(ApiError::new(
            StatusCode::GATEWAY_TIMEOUT,
            format!("检查超过了 {} 秒的时间上限", limit.as_secs()),
            "报告过大或过于复杂；请确认选对了文件",
        )),
    }
}

/// Checks an upload and turns the outcome into a response body.
async fn with_outcome<T: Send + 'static>(
    state: Shared,
    query: NameQuery,
    req: Request,
    make: impl FnOnce(&Upload, &Outcome) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    // A body that trickles in slowly is held to the same time limit.
    let up = match tokio::time::timeout(state.timeout, upload(&state, query.name, req)).await {
        Ok(up) => up?,
        Err(_) => {
            return Err(ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                format!("上传超过了 {} 秒的时间上限", state.timeout.as_secs()),
                "请检查网络后重新上传",
            ));
        }
    };
    let shared = state.clone();
    bounded(&state.checks, state.timeout, move || {
        let outcome = shared
            .linter
            .lint_bytes(&up.name, &up.bytes)
            .map_err(|e| ApiError::unreadable(&e))?;
        make(&up, &outcome)
    })
    .await?
}

async fn check(
    axum::extract::State(state): axum::extract::State<Shared>,
    Query(query): Query<NameQuery>,
    req: Request,
) -> Result<Response, ApiError> {
    let body = with_outcome(state, query, req, |_, outcome| {
        let list: Vec<json::JsonDiagnostic> = outcome
            .diagnostics
            .iter()
            .map(|d| json::convert(&outcome.document, d))
            .collect();
        serde_json::to_string_pretty(&list)
            .map(|s| s + "\n")
            .map_err(json_failed)
    })
    .await?;
    Ok(json_response(StatusCode::OK, body))
}

/// A response that could not be serialised (not expected: the types are plain data).
fn json_failed(e: serde_json::Error) -> ApiError {
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        format!("无法生成 JSON：{e}"),
        "",
    )
}

async fn view(
    axum::extract::State(state): axum::extract::State<Shared>,
    Query(query): Query<NameQuery>,
    req: Request,
) -> Result<Response, ApiError> {
    let body = with_outcome(state, query, req, |up, outcome| {
        let v = super::view::View::new(&up.name, outcome);
        serde_json::to_string(&v).map_err(json_failed)
    })
    .await?;
    Ok(json_response(StatusCode::OK, body))
}

async fn report(
    axum::extract::State(state): axum::extract::State<Shared>,
    Query(query): Query<NameQuery>,
    req: Request,
) -> Result<Response, ApiError> {
    let (name, html) = with_outcome(state, query, req, |up, outcome| {
        Ok((
            up.name.clone(),
            crate::report::html::render(&outcome.document, &outcome.diagnostics),
        ))
    })
    .await?;
    Ok(download(
        html.into_bytes(),
        "text/html; charset=utf-8",
        &format!("{}.nianbao.html", stem(&name)),
        Some(REPORT_CSP),
    ))
}

async fn annotate(
    axum::extract::State(state): axum::extract::State<Shared>,
    Query(query): Query<NameQuery>,
    req: Request,
) -> Result<Response, ApiError> {
    let (name, bytes) = with_outcome(state, query, req, |up, outcome| {
        crate::annotate::annotate(&up.bytes, &outcome.document, &outcome.diagnostics)
            .map(|a| (up.name.clone(), a.bytes))
            .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.message(), e.help()))
    })
    .await?;
    Ok(download(
        bytes,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        &format!("{}.nianbao.docx", stem(&name)),
        None,
    ))
}

fn stem(name: &str) -> &str {
    match name.rfind('.') {
        Some(i) if i > 0 => &name[..i],
        _ => name,
    }
}

fn download(
    bytes: Vec<u8>,
    content_type: &'static str,
    name: &str,
    csp: Option<&'static str>,
) -> Response {
    let mut res = (
        StatusCode::OK,
        [(header::CONTENT_TYPE, content_type)],
        Body::from(bytes),
    )
        .into_response();
    let disposition = format!(
        "attachment; filename=\"report\"; filename*=UTF-8''{}",
        percent_encode(name)
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    if let Some(csp) = csp {
        res.headers_mut().insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(csp),
        );
    }
    res
}

/// RFC 5987 encoding of a file name.
fn percent_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_never_paths() {
        assert_eq!(clean_name(Some("../../etc/passwd")), "passwd");
        assert_eq!(clean_name(Some("C:\\a\\报告.docx")), "报告.docx");
        assert_eq!(clean_name(Some("a\u{0}b\n.txt")), "ab.txt");
        assert_eq!(clean_name(None), "上传的报告");
        assert_eq!(percent_encode("报 a.docx"), "%E6%8A%A5%20a.docx");
    }

    #[test]
    fn a_full_queue_is_refused_and_a_slow_check_times_out() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("runtime");
        rt.block_on(async {
            // No slot ever frees up: 503.
            let none = Arc::new(Semaphore::new(0));
            let r = bounded(&none, Duration::from_millis(1), || 1).await;
            assert_eq!(
                r.map_err(|e| e.status),
                Err(StatusCode::SERVICE_UNAVAILABLE)
            );
            // The work waits for a signal that never comes: 504, and the slot stays
            // taken until the work ends.
            let one = Arc::new(Semaphore::new(1));
            let (tx, rx) = std::sync::mpsc::channel::<()>();
            let r = bounded(&one, Duration::from_millis(1), move || rx.recv().is_ok()).await;
            assert_eq!(r.map_err(|e| e.status), Err(StatusCode::GATEWAY_TIMEOUT));
            assert_eq!(one.available_permits(), 0);
            drop(tx);
            let r = bounded(&one, Duration::from_secs(60), || 2).await;
            assert_eq!(r.map_err(|e| e.status), Ok(2));
        });
    }
}
