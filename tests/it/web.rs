//! `planledger serve`: the web view's answers over HTTP — status codes, headers, escaping, the
//! messages of bad requests, the API's documents against the CLI's, and `ingest` beside a
//! running server. Most requests go to the router in-process; one test runs the binary.

use crate::common;

use std::path::Path;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use tower::ServiceExt;

use common::derived::*;
use common::{ingested_seeds, planledger, stderr, stdout};

/// An answer: status, content type, CSP header, body.
struct Answer {
    status: StatusCode,
    content_type: String,
    csp: Option<String>,
    body: String,
}

fn get(store: &Path, uri: &str) -> Answer {
    let router = planledger::web::router(planledger::web::App::new(
        store.to_path_buf(),
        Duration::from_secs(5),
    ));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let response = router
            .oneshot(Request::get(uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let header = |name| {
            response
                .headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
        };
        let (status, content_type, csp) = (
            response.status(),
            header(axum::http::header::CONTENT_TYPE).unwrap_or_default(),
            header(axum::http::header::CONTENT_SECURITY_POLICY),
        );
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        Answer {
            status,
            content_type,
            csp,
            body: String::from_utf8(bytes.to_vec()).unwrap(),
        }
    })
}

/// The seeds and a derived 第93回 that rewords the measure at line 55 and adds a done bullet
/// carrying `bullet_tail` (the end of its second line).
pub fn seeds_and_93(bullet_tail: Option<&str>) -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, store) = ingested_seeds();
    let mut lines = seed_lines();
    reword_measure_at_55(&mut lines);
    add_done_bullet(&mut lines);
    if let Some(tail) = bullet_tail {
        let at = lines
            .iter()
            .position(|l| l == "催し、病理診断体制の要件について議論を開始した。")
            .expect("the added bullet's second line");
        lines[at] = format!("催し、{tail}議論を開始した。");
    }
    let path = dir.path().join("torikumi_93.txt");
    std::fs::write(&path, with_footer(&lines, 93)).unwrap();
    common::ingest_torikumi_as(&store, &path, "がん対策推進協議会 第93回", "2026-01-15");
    (dir, store)
}

fn cli_json(store: &Path, args: &[&str]) -> String {
    let mut args = args.to_vec();
    args.extend(["--format", "json"]);
    let output = planledger(store, &args);
    assert!(output.status.success(), "{args:?}: {}", stderr(&output));
    stdout(&output)
}

#[test]
fn the_api_answers_byte_for_byte_what_the_cli_prints() {
    let (_dir, store) = seeds_and_93(None);
    let diff = cli_json(&store, &["diff", "--since", "第92回", "--until", "第93回"]);
    let revised: serde_json::Value = serde_json::from_str(&diff).unwrap();
    let revised = revised["measures"]["revised"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let state: serde_json::Value =
        serde_json::from_str(&cli_json(&store, &["state", "--at", "第93回"])).unwrap();
    let figure = state["targets"][0]["key"].as_str().unwrap().to_owned();
    let pairs: Vec<(String, Vec<&str>)> = vec![
        ("/api/meetings".into(), vec!["meetings"]),
        ("/api/state".into(), vec!["state"]),
        (
            "/api/state?at=%E7%AC%AC92%E5%9B%9E".into(),
            vec!["state", "--at", "第92回"],
        ),
        (
            "/api/state?at=2026-01-15&section=2.(1)".into(),
            vec!["state", "--at", "2026-01-15", "--section", "2.(1)"],
        ),
        (
            "/api/state?at=92&as_known_at=100".into(),
            vec!["state", "--at", "92", "--as-known-at", "100"],
        ),
        (
            "/api/diff?since=%E7%AC%AC92%E5%9B%9E&until=%E7%AC%AC93%E5%9B%9E".into(),
            vec!["diff", "--since", "第92回", "--until", "第93回"],
        ),
        (
            "/api/diff?since=2021-03-05".into(),
            vec!["diff", "--since", "2021-03-05"],
        ),
        (format!("/api/history/{revised}"), vec!["history", &revised]),
        (format!("/api/history/{figure}"), vec!["history", &figure]),
    ];
    for (uri, args) in &pairs {
        let answer = get(&store, uri);
        assert_eq!(answer.status, StatusCode::OK, "{uri}: {}", answer.body);
        assert_eq!(answer.content_type, "application/json", "{uri}");
        assert!(
            answer.body == cli_json(&store, args),
            "{uri} differs from planledger {args:?}"
        );
    }
    // The revised measure's history holds both wordings, as the CLI's does.
    let history = get(&store, &format!("/api/history/{revised}")).body;
    assert!(
        history.contains("体制整備を一層推進する")
            && history.contains("体制整備を引き続き推進する")
    );
}

#[test]
fn every_page_answers_with_its_content_and_the_security_policy() {
    let (_dir, store) = seeds_and_93(None);
    let state: serde_json::Value =
        serde_json::from_str(&cli_json(&store, &["state", "--at", "第93回"])).unwrap();
    let measure = &state["measures"][0];
    let document = measure["source"]["document"].as_str().unwrap();
    let [first, last] = [0, 1].map(|i| measure["source"]["lines"][i].as_u64().unwrap());
    let pages = [
        ("/", "がん対策推進協議会 第93回 — 令和8年1月15日（2026-01-15）"),
        ("/plan", "今後予定している取組"),
        ("/plan?at=%E7%AC%AC92%E5%9B%9E&bureau=%E5%81%A5%E5%BA%B7%E3%83%BB%E7%94%9F%E6%B4%BB%E8%A1%9B%E7%94%9F%E5%B1%80%E3%81%8C%E3%82%93%E3%83%BB%E7%96%BE%E7%97%85%E5%AF%BE%E7%AD%96%E8%AA%B2", "【健康・生活衛生局がん・疾病対策課】"),
        ("/diff?since=%E7%AC%AC92%E5%9B%9E&until=%E7%AC%AC93%E5%9B%9E", "施策（修正）"),
        // Only the later meeting named: compared with the dated meeting before it.
        ("/diff?until=%E7%AC%AC93%E5%9B%9E", "施策（修正）"),
        ("/integrity", "最新のチェックポイント"),
        ("/timeline?about=%E9%96%A3%E8%AD%B0%E6%B1%BA%E5%AE%9A", "第4期がん対策推進基本計画閣議決定"),
        (&format!("/source/{document}?lines={first}-{last}") as &str, "引用箇所"),
        ("/event/0", "DocumentIngested"),
    ];
    for (uri, expected) in pages {
        let answer = get(&store, uri);
        assert_eq!(answer.status, StatusCode::OK, "{uri}: {}", answer.body);
        assert_eq!(answer.content_type, "text/html; charset=utf-8", "{uri}");
        let csp = answer.csp.unwrap_or_default();
        assert!(
            csp.contains("default-src 'none'") && !csp.contains("script-src"),
            "{uri}: {csp}"
        );
        assert!(answer.body.contains(expected), "{uri} lacks {expected:?}");
        assert!(!answer.body.contains("<script"), "{uri} carries a script");
    }
    // The diff's citations and ids link to the source lines and the histories.
    let diff = get(&store, "/diff?since=2025-10-06&until=2026-01-15").body;
    assert!(
        diff.contains(&format!("href=\"/source/{document}?lines=")),
        "{diff}"
    );
    assert!(diff.contains("href=\"/history/M"), "{diff}");
    // The source page marks the cited lines and names the events that cite them.
    let source = get(&store, &format!("/source/{document}?lines={first}-{last}")).body;
    assert!(
        source.contains(&format!("<li id=\"L{first}\" class=\"quoted\">")),
        "{source}"
    );
    // The 12-digit prefix every other view prints names the same document.
    let by_prefix = get(
        &store,
        &format!("/source/{}?lines={first}-{last}", &document[..12]),
    );
    assert_eq!(by_prefix.status, StatusCode::OK, "{}", by_prefix.body);
    assert_eq!(by_prefix.body, source);
    assert!(!source.contains(&format!("<li id=\"L{}\" class=\"quoted\">", last + 1)));
    assert!(
        source.contains("</a> Measure"),
        "the statement's event is named: {source}"
    );
    assert!(
        source.contains("✓ 原本のハッシュ一致"),
        "the bytes are checked: {source}"
    );
}

#[test]
fn a_figures_history_draws_its_series_as_svg() {
    let (_dir, store) = ingested_seeds();
    // 地域がん診療病院: 34 か所 (2021), 59 か所 (2025) — two dated observations.
    let state: serde_json::Value = serde_json::from_str(&cli_json(&store, &["state"])).unwrap();
    let key = state["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["label"] == "地域がん診療病院")
        .expect("the seeds state 地域がん診療病院")["key"]
        .as_str()
        .unwrap()
        .to_owned();
    let page = get(&store, &format!("/history/{key}")).body;
    assert!(page.contains("<svg"), "{page}");
    assert_eq!(
        page.matches("<circle").count() + page.matches("<polygon").count(),
        2,
        "{page}"
    );
    assert!(page.contains("34か所") && page.contains("59か所"), "{page}");
    assert!(
        page.contains("単位: か所"),
        "the y axis names its unit: {page}"
    );
    // The meetings of its history in 和暦, the ISO date beside it.
    assert!(
        page.contains("検討会 第9回 平成29年6月21日（2017-06-21）")
            && page.contains("第7回 令和8年3月13日（2026-03-13）"),
        "{page}"
    );
}

#[test]
fn a_goal_is_drawn_at_its_deadline_before_anything_is_observed() {
    let (_dir, store) = ingested_seeds();
    let state: serde_json::Value = serde_json::from_str(&cli_json(&store, &["state"])).unwrap();
    let goal = state["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| {
            t["label"]
                .as_str()
                .is_some_and(|l| l.contains("バイオシミラー"))
        })
        .expect("seed 000's manifest states the biosimilar goal");
    let key = goal["key"].as_str().unwrap();
    let page = get(&store, &format!("/history/{key}")).body;
    assert!(!page.contains("図示できる観測がありません"), "{page}");
    assert_eq!(
        page.matches("<polygon").count(),
        1,
        "the goal's diamond: {page}"
    );
    assert!(
        page.contains("期限 令和12年3月31日") && page.contains("単位: %"),
        "{page}"
    );
    // A figure printed for a month reads, is labelled and is drawn as that month, in 和暦 with
    // the printed form beside it in the table.
    let blank = state["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["as_of"].as_str().is_some_and(|a| a.len() == 7))
        .expect("a figure printed for a month (空白の二次医療圏, 2017-04)");
    let page = get(
        &store,
        &format!("/history/{}", blank["key"].as_str().unwrap()),
    )
    .body;
    let month = blank["as_of"].as_str().unwrap();
    let (year, number) = month.split_once('-').unwrap();
    let wareki = format!(
        "平成{}年{}月",
        year.parse::<i32>().unwrap() - 1988,
        number.parse::<u32>().unwrap()
    );
    assert!(
        page.contains(&format!("{wareki}（{month}） 時点")),
        "{wareki}: {page}"
    );
    assert!(
        page.contains("class=\"period\""),
        "drawn across its month: {page}"
    );
    let plan = get(&store, "/plan?at=92").body;
    assert!(
        plan.contains(&format!("<td>{wareki}（{month}）</td>")),
        "{plan}"
    );
    // A measure's history dates 第92回 in 和暦.
    let measure = state["measures"][0]["id"].as_str().unwrap();
    let history = get(&store, &format!("/history/{measure}")).body;
    assert!(
        history.contains("第92回 令和7年10月6日（2025-10-06）"),
        "{history}"
    );
}

#[test]
fn document_text_is_escaped_on_every_page() {
    let hostile = "<script>alert(1)</script>";
    let (_dir, store) = seeds_and_93(Some(hostile));
    let diff: serde_json::Value = serde_json::from_str(&cli_json(
        &store,
        &["diff", "--since", "第92回", "--until", "第93回"],
    ))
    .unwrap();
    let added = &diff["actions"]["added"][0];
    assert!(added["text"].as_str().unwrap().contains(hostile), "{added}");
    let measure = added["measure_id"].as_str().unwrap();
    let [first, _] = [0, 1].map(|i| added["source"]["lines"][i].as_u64().unwrap());
    let document = added["source"]["document"].as_str().unwrap();
    for uri in [
        "/plan?at=2026-01-15".to_owned(),
        "/diff?since=2025-10-06&until=2026-01-15".to_owned(),
        format!("/history/{measure}"),
        format!("/source/{document}?lines={first}-{first}"),
    ] {
        let page = get(&store, &uri).body;
        assert!(!page.contains("<script"), "{uri} lets the script through");
        assert!(
            page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{uri} lost the text"
        );
    }
}

/// Text as maud escapes it into a page.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[test]
fn bad_requests_are_pages_with_the_clis_message_never_a_panic() {
    let (_dir, store) = ingested_seeds();
    let cli_error = |args: &[&str]| {
        let output = planledger(&store, args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        stderr(&output)
            .trim()
            .trim_start_matches("error: ")
            .to_owned()
    };
    let unknown = cli_error(&["state", "--at", "第999回"]);
    let answer = get(&store, "/plan?at=%E7%AC%AC999%E5%9B%9E");
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    // The page says it in a reader's words: the page that lists meetings, not the command.
    let in_web_words = unknown.replace(
        "`planledger meetings` lists them",
        "the meetings page (会議一覧) lists them: pick one there",
    );
    assert_ne!(in_web_words, unknown, "{unknown}");
    assert!(
        answer.body.contains(&escaped(&in_web_words))
            && !answer.body.contains("planledger meetings"),
        "{unknown}\n{}",
        answer.body
    );
    let api = get(&store, "/api/state?at=%E7%AC%AC999%E5%9B%9E");
    assert_eq!(api.status, StatusCode::BAD_REQUEST);
    let api: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(api["error"], unknown.as_str());

    let swapped = cli_error(&["diff", "--since", "2025-10-06", "--until", "2021-03-05"]);
    let answer = get(&store, "/diff?since=2025-10-06&until=2021-03-05");
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(answer.body.contains(&swapped), "{}", answer.body);

    for (uri, status, says) in [
        ("/plan?at=zzz", 400, "is not a meeting reference"),
        (
            "/plan?bureau=%E6%9C%AA%E7%9F%A5%E5%B1%80",
            400,
            "is reported by &quot;未知局&quot;; the bureaus reporting there are: ",
        ),
        (
            "/diff?since=%3Cb%3E",
            400,
            "&quot;&lt;b&gt;&quot; is not a meeting reference",
        ),
        ("/api/diff", 400, "since is required"),
        ("/api/state?as_known_at=x", 400, "is not a sequence number"),
        ("/source/xyz", 400, "is not a document hash"),
        (
            &format!("/source/{}", "0".repeat(64)) as &str,
            404,
            "holds no document",
        ),
        (
            &format!("/source/{}?lines=9-2", "0".repeat(64)),
            400,
            "is not a range of lines",
        ),
        ("/event/abc", 400, "is not a sequence number"),
        ("/event/99999999", 404, "has no event 99999999"),
        ("/history/Mnothing", 404, "no events about"),
        ("/api/history/Mnothing", 404, "no events about"),
        ("/no/such/page", 404, "there is no page at /no/such/page"),
        // The framework's own refusals are our pages (and JSON under /api/).
        ("/history/%FF%FE", 400, "the address could not be read"),
        ("/api/history/%FF%FE", 400, "the address could not be read"),
    ] {
        let answer = get(&store, uri);
        assert_eq!(answer.status.as_u16(), status, "{uri}: {}", answer.body);
        assert!(answer.body.contains(says), "{uri}: {}", answer.body);
        let expected_type = if uri.starts_with("/api/") {
            "application/json"
        } else {
            "text/html"
        };
        assert!(
            answer.content_type.starts_with(expected_type),
            "{uri}: {}",
            answer.content_type
        );
        assert!(answer.csp.is_some(), "{uri}: no security policy");
    }
}

#[test]
fn a_missing_ledger_is_a_page_that_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let answer = get(&dir.path().join("nothing-here"), "/");
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(answer.body.contains("nothing-here"), "{}", answer.body);
}

#[test]
fn ingest_works_while_the_server_runs_and_the_next_page_shows_it() {
    let (dir, store) = ingested_seeds();
    let server = crate::server::Server::start(&store);
    let (status, before) = server.fetch("/");
    assert!(status.contains("200"), "{status}");
    assert!(!before.contains("第93回"));
    let mut lines = seed_lines();
    add_done_bullet(&mut lines);
    let path = dir.path().join("torikumi_93.txt");
    std::fs::write(&path, with_footer(&lines, 93)).unwrap();
    // The server holds the ledger only while it answers, so ingest finds it free.
    common::ingest_torikumi_as(&store, &path, "がん対策推進協議会 第93回", "2026-01-15");
    let (status, after) = server.fetch("/");
    assert!(status.contains("200"), "{status}");
    assert!(after.contains("がん対策推進協議会 第93回"), "{after}");
    let (_, diff) = server.fetch("/api/diff?since=92&until=93");
    let diff: serde_json::Value = serde_json::from_str(&diff).unwrap();
    assert_eq!(diff["actions"]["added"][0]["text"], ADDED_DONE_BULLET);
}

#[test]
fn the_downloads_are_what_the_cli_writes() {
    let (_dir, store) = ingested_seeds();
    for (uri, args) in [
        ("/export.jsonl", vec!["export"]),
        ("/checkpoint.txt", vec!["checkpoint"]),
        (
            "/checkpoint.txt?at=%E7%AC%AC92%E5%9B%9E",
            vec!["checkpoint", "--at", "第92回"],
        ),
    ] {
        let answer = get(&store, uri);
        assert_eq!(answer.status, StatusCode::OK, "{uri}: {}", answer.body);
        let output = planledger(&store, &args);
        assert!(output.status.success(), "{args:?}: {}", stderr(&output));
        assert!(
            !answer.body.is_empty() && answer.body == stdout(&output),
            "{uri} differs from {args:?}"
        );
    }
}

#[test]
fn the_last_verify_is_each_documents_status_until_more_is_appended() {
    let (dir, store) = ingested_seeds();
    assert_eq!(
        get(&store, "/")
            .body
            .matches("未検証 (never verified")
            .count(),
        5
    );
    let output = planledger(&store, &["verify"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let meetings = get(&store, "/").body;
    assert_eq!(meetings.matches("✓ 検証済").count(), 5, "{meetings}");
    // When, in 和暦 and Japan's time (the tests' clock is 2026-01-01T00:00:00Z).
    assert!(
        meetings.contains("令和8年1月1日 09:00 JST（2026-01-01T00:00:00Z）"),
        "{meetings}"
    );
    let integrity = get(&store, "/integrity").body;
    assert!(
        integrity.contains("✓ ok") && integrity.contains("415 events"),
        "{integrity}"
    );
    assert!(
        integrity.contains("verified at 令和8年1月1日 09:00 JST"),
        "{integrity}"
    );
    // A document appended since is not covered, and integrity says how much is not.
    let mut lines = seed_lines();
    add_done_bullet(&mut lines);
    let path = dir.path().join("torikumi_93.txt");
    std::fs::write(&path, with_footer(&lines, 93)).unwrap();
    common::ingest_torikumi_as(&store, &path, "がん対策推進協議会 第93回", "2026-01-15");
    let meetings = get(&store, "/").body;
    assert_eq!(meetings.matches("✓ 検証済").count(), 5);
    assert_eq!(
        meetings.matches("appended after the last verify").count(),
        1
    );
    assert!(get(&store, "/integrity")
        .body
        .contains("events appended since are not covered"));
}

#[test]
fn the_pages_hold_what_the_cli_says_and_nothing_but_get_is_served() {
    let (_dir, store) = ingested_seeds();
    let plan = get(&store, "/plan?at=%E7%AC%AC92%E5%9B%9E").body;
    assert_eq!(plan.matches("<section class=\"measure\"").count(), 70);
    let checkpoint = stdout(&planledger(&store, &["checkpoint"]));
    assert!(
        get(&store, "/integrity").body.contains(&checkpoint),
        "{checkpoint}"
    );
    // The integrity page's checkpoint links name meetings so that each resolves.
    let integrity = get(&store, "/integrity").body;
    let link = "/checkpoint.txt?at=".to_owned()
        + &planledger::web::href::encode("がん対策推進協議会第92回");
    assert!(integrity.contains(&link), "{integrity}");
    assert_eq!(
        get(&store, &link).body,
        stdout(&planledger(&store, &["checkpoint", "--at", "第92回"]))
    );
    // Nothing later than the earliest dated meeting's predecessor: said, not guessed.
    let diff = get(&store, "/diff?until=2017-06-21");
    assert_eq!(diff.status, StatusCode::OK);
    assert!(
        diff.body.contains("比較する前の会議がありません"),
        "{}",
        diff.body
    );
    // Only GET: a write method is refused, with the security headers all the same.
    let router = planledger::web::router(planledger::web::App::new(
        store.clone(),
        Duration::from_secs(5),
    ));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    for uri in ["/", "/api/state", "/export.jsonl"] {
        let response = runtime.block_on(
            router
                .clone()
                .oneshot(Request::post(uri).body(Body::empty()).unwrap()),
        );
        let response = response.unwrap();
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED, "{uri}");
        assert!(response.headers().contains_key("content-security-policy"));
    }
}

#[test]
fn a_verify_of_a_head_the_ledger_no_longer_holds_vouches_for_nothing() {
    let (_dir, store) = ingested_seeds();
    assert_eq!(planledger(&store, &["verify"]).status.code(), Some(0));
    // The ledger is rolled back or rewritten after the verify: the recorded head's hash is no
    // longer the hash at that seq.
    let path = store.join("last-verify.json");
    let mut record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    record["head"][1] = serde_json::Value::String("0".repeat(64));
    std::fs::write(&path, record.to_string()).unwrap();
    let meetings = get(&store, "/").body;
    assert_eq!(meetings.matches("✓ 検証済").count(), 0, "{meetings}");
    assert_eq!(meetings.matches("検証後に台帳が変わりました").count(), 5);
    let integrity = get(&store, "/integrity").body;
    assert!(
        integrity.contains("which this ledger no longer holds"),
        "{integrity}"
    );
    assert!(!integrity.contains("✓ ok"));
}

#[test]
fn the_progress_page_follows_every_planned_action_as_the_cli_does() {
    let (_dir, store) = seeds_and_93(None);
    let cli: serde_json::Value = serde_json::from_str(&cli_json(
        &store,
        &["progress", "--since", "第92回", "--until", "第93回"],
    ))
    .unwrap();
    let planned = cli["total"]["planned"].as_u64().unwrap() as usize;
    assert_eq!(planned, 130);
    let page = get(&store, "/progress?since=2025-10-06&until=2026-01-15");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.csp.is_some());
    let rows = ["実施済み", "予定のまま", "修正", "未報告", "施策ごと削除"]
        .iter()
        .map(|fate| page.body.matches(&format!("<tr><td>{fate}</td>")).count())
        .sum::<usize>();
    assert_eq!(rows, planned, "one row per planned action");
    assert_eq!(
        page.body.matches("<tr><td>予定のまま</td>").count(),
        cli["total"]["still_planned"].as_u64().unwrap() as usize
    );
    // Each row cites the earlier document's lines, linked to the source page.
    assert!(page.body.matches("href=\"/source/").count() >= planned);
}

#[test]
fn the_plan_page_has_an_index_of_its_sections() {
    let (_dir, store) = ingested_seeds();
    let page = get(&store, "/plan?at=%E7%AC%AC92%E5%9B%9E").body;
    let headings = page.matches("<h2 class=\"section\" id=\"s-").count();
    assert!(headings > 10, "{page}");
    assert!(
        page.contains("<summary>節の一覧 (sections)</summary>"),
        "{page}"
    );
    // One link per section heading, each to a heading that is there.
    let links: Vec<&str> = page
        .match_indices("<li><a href=\"#s-")
        .map(|(at, _)| {
            let rest = &page[at + "<li><a href=\"#".len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect();
    assert_eq!(links.len(), headings, "{page}");
    for link in links {
        assert!(
            page.contains(&format!("id=\"{link}\"")),
            "{link} leads nowhere"
        );
    }
}

/// A question about what the ledger knew at an earlier head is read out of the store as its
/// events rest and answered after the store is let go (a writer may open it in between), with
/// the reference fold's answer: no request holds the ledger while it decodes the history.
#[test]
fn a_question_about_an_earlier_head_is_answered_after_the_ledger_is_let_go() {
    use planledger::ledger::store::Store;
    use planledger::query::{read_state_at, StateReading, StateRequest};
    let (_dir, path) = ingested_seeds();
    let store = Store::open(&path).unwrap();
    let all = store.events().unwrap();
    let at =
        planledger::project::meetings::resolve_at(&store.document_records().unwrap(), "第92回")
            .unwrap();
    let request = StateRequest {
        at: Some("第92回".into()),
        as_known_at: Some(100),
        ..StateRequest::default()
    };
    let reference = planledger::query::state_at(&store, &request).unwrap();
    let reading = read_state_at(&store, &request).unwrap();
    drop(store);
    assert!(matches!(reading, StateReading::KnownAt { .. }));
    drop(Store::open(&path).expect("the ledger is free while the reading is answered"));
    let answered = reading.answer().unwrap();
    assert_eq!(
        planledger::report::to_json(&answered),
        planledger::report::to_json(&reference)
    );
    // And that is the reference fold over the events up to seq 100, none after.
    let known: Vec<_> = all.iter().filter(|e| e.seq <= 100).cloned().collect();
    let folded = planledger::project::state::state(
        &known,
        &planledger::project::state::StateQuery {
            as_known_at: None,
            ..planledger::project::state::StateQuery::at(at)
        },
    );
    assert_eq!(
        planledger::report::to_json(&answered),
        planledger::report::to_json(&folded)
    );
}

/// The code points a fontconfig font covers, from `fc-list`'s charset (hex ranges); `None`
/// when no installed font has that family.
fn font_coverage(family: &str) -> Option<std::collections::BTreeSet<u32>> {
    let output = std::process::Command::new("fc-list")
        .args([
            "--format",
            "%{charset}\n",
            &format!("{family}:style=Regular"),
        ])
        .output()
        .expect("fc-list (fontconfig, installed with chromium) lists the fonts");
    let listed = String::from_utf8(output.stdout).unwrap();
    let charset = listed
        .lines()
        .next()
        .filter(|line| !line.trim().is_empty())?;
    let mut covered = std::collections::BTreeSet::new();
    for range in charset.split_whitespace() {
        let (first, last) = range.split_once('-').unwrap_or((range, range));
        let [first, last] = [first, last].map(|hex| u32::from_str_radix(hex, 16).unwrap());
        covered.extend(first..=last);
    }
    Some(covered)
}

/// Every character of the seeds has a glyph in the font the web view's style sheet names first
/// among those installed, for running text and for a source's lines alike (⑴ and 术 were boxes
/// with the IPA fonts): a reader never sees tofu for what the documents say. `.ci/run` installs
/// the fonts.
#[test]
#[cfg_attr(
    planledger_no_browser,
    ignore = "needs chromium (and its fontconfig) with the fonts .ci/run installs; see build.rs"
)]
fn the_style_sheets_fonts_cover_every_character_of_the_seeds() {
    let (_dir, store) = ingested_seeds();
    let style = get(&store, "/style.css").body;
    let mut characters = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(common::seeds_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "txt") {
            characters.extend(
                std::fs::read_to_string(&path)
                    .unwrap()
                    .chars()
                    .filter(|c| !c.is_control()),
            );
        }
    }
    assert!(characters.contains(&'⑴'), "the seeds hold ⑴");
    let stacks: Vec<&str> = style
        .split("font-family:")
        .skip(1)
        .map(|rest| rest.split([';', '}']).next().unwrap())
        .filter(|stack| stack.contains("CJK"))
        .collect();
    assert!(
        stacks.len() >= 2,
        "running text and source lines: {stacks:?}"
    );
    for stack in stacks {
        let (family, covered) = stack
            .split(',')
            .map(|family| family.trim().trim_matches(['\'', '"']))
            .find_map(|family| Some((family, font_coverage(family)?)))
            .unwrap_or_else(|| {
                panic!("no font of {stack} is installed (.ci/run installs fonts-noto-cjk)")
            });
        let missing: String = characters
            .iter()
            .filter(|c| !covered.contains(&u32::from(**c)))
            .collect();
        assert!(
            missing.is_empty(),
            "{family} (of {stack}) has no glyph for {missing}"
        );
    }
}

/// A measure can be followed both ways between every view that shows it: the 新旧対照表 and
/// the plan link to its history; its history links each version to the plan at that meeting
/// (at its entry) and to the 新旧対照表 since the version before; its source lines and its
/// events link back to its history and its plan entry.
#[test]
fn a_measure_links_both_ways_between_plan_history_changes_and_sources() {
    let (_dir, store) = seeds_and_93(None);
    let diff: serde_json::Value = serde_json::from_str(&cli_json(
        &store,
        &["diff", "--since", "第92回", "--until", "第93回"],
    ))
    .unwrap();
    let revised = &diff["measures"]["revised"][0];
    let id = revised["id"].as_str().unwrap();
    let history = format!("/history/{id}");
    let changes = get(&store, "/diff?since=2025-10-06&until=2026-01-15").body;
    assert!(
        changes.contains(&format!("href=\"{history}\"")),
        "{changes}"
    );
    let plan = get(&store, "/plan?at=2026-01-15").body;
    assert!(
        plan.contains(&format!("id=\"{id}\"")),
        "the plan's entry is an anchor"
    );
    assert!(plan.contains(&format!("href=\"{history}\"")));
    let page = get(&store, &history).body;
    for link in [
        format!("href=\"/plan?at=2025-10-06#{id}\""),
        format!("href=\"/plan?at=2026-01-15#{id}\""),
        "href=\"/diff?since=2025-10-06&amp;until=2026-01-15\"".to_owned(),
    ] {
        assert!(page.contains(&link), "{link}: {page}");
    }
    let source = &revised["source_after"];
    let [first, last] = [0, 1].map(|i| source["lines"][i].as_u64().unwrap());
    let lines = get(
        &store,
        &format!(
            "/source/{}?lines={first}-{last}",
            source["document"].as_str().unwrap()
        ),
    )
    .body;
    assert!(lines.contains(&format!("href=\"{history}\"")), "{lines}");
    assert!(
        lines.contains(&format!("href=\"/plan?at=2026-01-15#{id}\"")),
        "{lines}"
    );
    let log = cli_json(&store, &["log", "--measure", id]);
    let last: serde_json::Value = serde_json::from_str(log.lines().last().unwrap()).unwrap();
    let seq = last["seq"].as_u64().unwrap();
    let event = get(&store, &format!("/event/{seq}")).body;
    assert!(event.contains(&format!("href=\"{history}\"")), "{event}");
}
