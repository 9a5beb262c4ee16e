//! The web view in a real browser: Debian's Chromium driven over WebDriver (chromedriver, by
//! fantoccini), doing what a reviewer does — open the meetings, go to 第92回's plan, compare
//! 第92回 with 第93回, open the revised measure's history, follow its citation to the source
//! lines — and checking what the reader sees at each step. Each step's screenshot is saved in
//! `target/browser-screenshots/` for a person to look at.
//!
//! Where the build script finds no browser the runner reports this test as ignored; `.ci/run`
//! installs chromium and chromium-driver and sets PLANLEDGER_REQUIRE_BROWSER, so in CI it runs.

use crate::common;
use crate::server::Server;
use crate::web::seeds_and_93;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

/// The chromedriver to drive Chromium with. The test is ignored where the build script found no
/// browser (`planledger_no_browser`), so here a missing one is a failure, never a silent pass.
fn chromedriver() -> PathBuf {
    let path = std::env::var_os("PLANLEDGER_CHROMEDRIVER")
        .map_or_else(|| PathBuf::from("/usr/bin/chromedriver"), PathBuf::from);
    let browser = PathBuf::from("/usr/bin/chromium");
    assert!(
        path.exists() && browser.exists(),
        "{} or {} is missing (apt install chromium chromium-driver)",
        path.display(),
        browser.display()
    );
    path
}

/// A running chromedriver on a free port; stopped when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start(path: &PathBuf) -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not listen on {port}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn browser(driver: &Driver, user_data: &std::path::Path) -> Client {
    browser_sized(driver, user_data, 1400, 1000).await
}

/// A browser whose window (headless: its viewport) is `width` × `height` CSS pixels.
async fn browser_sized(
    driver: &Driver,
    user_data: &std::path::Path,
    width: u32,
    height: u32,
) -> Client {
    // Chromium's window is at least 500 px wide; a phone's width is emulated as DevTools does.
    let mobile = (width < 500).then(|| {
        serde_json::json!({"deviceMetrics": {"width": width, "height": height, "pixelRatio": 3}})
    });
    let mut capabilities = serde_json::json!({
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--hide-scrollbars", format!("--window-size={width},{height}"),
                format!("--user-data-dir={}", user_data.display()),
            ]
        }
    });
    if let Some(mobile) = mobile {
        capabilities["goog:chromeOptions"]["mobileEmulation"] = mobile;
    }
    let serde_json::Value::Object(capabilities) = capabilities else {
        unreachable!()
    };
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .expect("chromedriver opens a Chromium session")
}

/// What every browser test starts with: chromedriver, the web view over a ledger, and a
/// runtime to drive them from (dropped in this order).
struct Session {
    runtime: tokio::runtime::Runtime,
    driver: Driver,
    server: Server,
}

impl Session {
    fn start(store: &std::path::Path) -> Session {
        let chromedriver = chromedriver();
        let server = Server::start(store);
        let driver = Driver::start(&chromedriver);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        Session {
            runtime,
            driver,
            server,
        }
    }
}

/// Where the tests leave what a reviewer looks at: screenshots and the printed PDF.
fn screenshots_dir() -> PathBuf {
    let folder = common::project_dir()
        .join("target")
        .join("browser-screenshots");
    std::fs::create_dir_all(&folder).unwrap();
    folder
}

async fn shoot(client: &Client, name: &str) {
    let png = client.screenshot().await.expect("a screenshot");
    std::fs::write(screenshots_dir().join(format!("{name}.png")), png).unwrap();
}

/// Clicks `element`, which leads to another page, and waits until the browser is there: a
/// `find` right after a click may otherwise answer from the page being left.
async fn follow(client: &Client, element: fantoccini::elements::Element) {
    let before = client.current_url().await.unwrap();
    element.click().await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while client.current_url().await.unwrap() == before {
        assert!(
            Instant::now() < deadline,
            "the click on {before} led nowhere"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    loop {
        let ready = client
            .execute("return document.readyState", vec![])
            .await
            .unwrap();
        if ready == "complete" {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the page after {before} did not load"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn find(client: &Client, locator: Locator<'_>) -> fantoccini::elements::Element {
    client
        .find(locator)
        .await
        .unwrap_or_else(|e| panic!("the page has {locator:?}: {e}"))
}

async fn text_of(client: &Client, css: &str) -> String {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("the page has {css}: {e}"))
        .text()
        .await
        .unwrap()
}

#[test]
#[cfg_attr(
    planledger_no_browser,
    ignore = "needs chromium and chromedriver (apt install chromium chromium-driver; see build.rs)"
)]
fn a_reviewer_reads_the_changes_in_a_real_browser() {
    let (_dir, store) = seeds_and_93(None);
    let Session {
        runtime,
        driver,
        server,
    } = Session::start(&store);
    runtime.block_on(async {
        let profile = tempfile::tempdir().unwrap();
        let client = browser(&driver, profile.path()).await;
        let base = format!("http://{}", server.address);

        // 1. The meetings: 第92回 and the derived 第93回, each with its documents.
        client.goto(&format!("{base}/")).await.unwrap();
        assert_eq!(text_of(&client, "h1").await, "会議一覧 (meetings)");
        let headings: Vec<String> = {
            let mut all = Vec::new();
            for h2 in client
                .find_all(Locator::Css("section.meeting h2"))
                .await
                .unwrap()
            {
                all.push(h2.text().await.unwrap());
            }
            all
        };
        assert!(
            headings
                .iter()
                .any(|h| h.contains("第92回") && h.contains("令和7年10月6日")),
            "{headings:?}"
        );
        assert!(
            headings
                .iter()
                .any(|h| h.contains("第93回") && h.contains("2026-01-15")),
            "{headings:?}"
        );
        shoot(&client, "1-meetings").await;

        // 2. 第92回's plan, from its link on the meetings page.
        follow(
            &client,
            find(
                &client,
                Locator::XPath(
                    "//section[h2[contains(., '第92回')]]//a[contains(., 'この会議の計画')]",
                ),
            )
            .await,
        )
        .await;
        let heading = text_of(&client, "h1").await;
        assert!(
            heading.contains("第92回") && heading.contains("2025-10-06"),
            "{heading}"
        );
        let measures = client
            .find_all(Locator::Css("section.measure"))
            .await
            .unwrap();
        assert_eq!(measures.len(), 70, "the 取組一覧 of 第92回 has 70 measures");
        let columns = text_of(&client, "section.measure .columns").await;
        assert!(columns.contains("具体的な取組") && columns.contains("今後予定している取組"));
        shoot(&client, "2-plan-92").await;

        // 3. 第92回 → 第93回, picked in the form of the 新旧対照表 page.
        follow(
            &client,
            find(&client, Locator::LinkText("新旧対照表")).await,
        )
        .await;
        client
            .find(Locator::Css(
                "select[name=since] option[value='2025-10-06']",
            ))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        client
            .find(Locator::Css(
                "select[name=until] option[value='2026-01-15']",
            ))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        follow(
            &client,
            find(&client, Locator::Css("form.pick button")).await,
        )
        .await;
        let summary = text_of(&client, "p.summary").await;
        assert!(
            summary.contains("修正 1") && summary.contains("取組 追加 1"),
            "{summary}"
        );
        let inserted = text_of(&client, "td ins").await;
        assert!(
            inserted.contains("一層"),
            "the changed characters are marked: {inserted}"
        );
        let deleted = text_of(&client, "td del").await;
        assert!(deleted.contains("引き続き"), "{deleted}");
        shoot(&client, "3-diff-92-93").await;

        // 4. The revised measure's history, from its id in the table.
        let id_link = client
            .find(Locator::XPath(
                "//td[.//span[@class='kind' and text()='施策（修正）']]//span[@class='id']/a",
            ))
            .await
            .unwrap();
        let id = id_link.text().await.unwrap();
        follow(&client, id_link).await;
        assert!(text_of(&client, "h1").await.contains(&id));
        let revised = text_of(&client, "tr.change-revised").await;
        assert!(
            revised.contains("第93回") && revised.contains("修正"),
            "{revised}"
        );
        assert!(text_of(&client, "tr.change-revised ins")
            .await
            .contains("一層"));
        shoot(&client, "4-history").await;

        // 5. Its citation, followed to the source lines.
        follow(
            &client,
            find(&client, Locator::Css("tr.change-revised a.citation")).await,
        )
        .await;
        let url = client.current_url().await.unwrap();
        assert!(url.path().starts_with("/source/"), "{url}");
        let mut quoted = String::new();
        for line in client.find_all(Locator::Css("li.quoted")).await.unwrap() {
            quoted.push_str(&line.text().await.unwrap());
        }
        assert!(
            quoted.contains("体制整備を一層推進する"),
            "the cited lines are marked: {quoted}"
        );
        let fragment = url.fragment().unwrap_or_default().to_owned();
        let target = client
            .find(Locator::Css(&format!("li#{fragment}")))
            .await
            .unwrap();
        assert_eq!(
            target.attr("class").await.unwrap().as_deref(),
            Some("quoted")
        );
        shoot(&client, "5-source").await;

        client.goto(&format!("{base}/integrity")).await.unwrap();
        assert!(text_of(&client, "pre").await.starts_with("planledger\n"));
        shoot(&client, "6-integrity").await;
        client.close().await.unwrap();
    });
}

/// Every page type at a phone's 390 × 844 and at a desktop's width: nothing scrolls sideways
/// (`scrollWidth <= clientWidth` of the page), each page saved as a screenshot.
#[test]
#[cfg_attr(
    planledger_no_browser,
    ignore = "needs chromium and chromedriver (apt install chromium chromium-driver; see build.rs)"
)]
fn every_page_fits_a_phone_and_a_desktop() {
    let (_dir, store) = seeds_and_93(None);
    let Session {
        runtime,
        driver,
        server,
    } = Session::start(&store);
    runtime.block_on(async {
        let base = format!("http://{}", server.address);
        let mut failures = Vec::new();
        for (width, height, device) in [(390, 844, "phone"), (1400, 1000, "desktop")] {
            let profile = tempfile::tempdir().unwrap();
            let client = browser_sized(&driver, profile.path(), width, height).await;
            // The pages, each found the way a reader finds it.
            client.goto(&format!("{base}/plan?at=%E7%AC%AC92%E5%9B%9E")).await.unwrap();
            let href_of = |css: &'static str| {
                let client = client.clone();
                async move {
                    find(&client, Locator::Css(css))
                        .await
                        .attr("href")
                        .await
                        .unwrap()
                        .unwrap_or_else(|| panic!("{css} has an href"))
                }
            };
            let history = href_of("a[href^='/history/']").await;
            let source = href_of("a[href^='/source/']").await;
            let pages = [
                ("meetings", "/".to_owned()),
                ("plan", "/plan?at=%E7%AC%AC92%E5%9B%9E".to_owned()),
                (
                    "diff",
                    "/diff?since=%E7%AC%AC92%E5%9B%9E&until=%E7%AC%AC93%E5%9B%9E".to_owned(),
                ),
                (
                    "progress",
                    "/progress?since=%E7%AC%AC92%E5%9B%9E".to_owned(),
                ),
                ("history", history),
                ("source", source),
                ("event", "/event/0".to_owned()),
                ("timeline", "/timeline".to_owned()),
                ("integrity", "/integrity".to_owned()),
                ("not-found", "/no/such/page".to_owned()),
            ];
            for (name, path) in pages {
                client.goto(&format!("{base}{path}")).await.unwrap();
                let widths = client
                    .execute(
                        "const e = document.documentElement; return [e.scrollWidth, e.clientWidth];",
                        vec![],
                    )
                    .await
                    .unwrap();
                let scroll = widths[0].as_u64().unwrap();
                let client_width = widths[1].as_u64().unwrap();
                if scroll > client_width {
                    failures.push(format!(
                        "{device} {name} ({path}): {scroll} px wide in a {client_width} px window"
                    ));
                }
                shoot(&client, &format!("{device}-{name}")).await;
            }
            client.close().await.unwrap();
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    });
}

/// The plan at 第92回 (70 measures) prints dense: at most 30 pages, as the browser prints it
/// through WebDriver with its defaults; the PDF is kept beside the screenshots.
#[test]
#[cfg_attr(
    planledger_no_browser,
    ignore = "needs chromium and chromedriver (apt install chromium chromium-driver; see build.rs)"
)]
fn the_plan_prints_on_at_most_thirty_pages() {
    let (_dir, store) = crate::common::ingested_seeds();
    let Session {
        runtime,
        driver,
        server,
    } = Session::start(&store);
    runtime.block_on(async {
        let profile = tempfile::tempdir().unwrap();
        let client = browser(&driver, profile.path()).await;
        client
            .goto(&format!(
                "http://{}/plan?at=%E7%AC%AC92%E5%9B%9E",
                server.address
            ))
            .await
            .unwrap();
        let pdf = client
            .print(fantoccini::wd::PrintConfiguration::default())
            .await
            .expect("the browser prints the page");
        std::fs::write(screenshots_dir().join("plan-92.pdf"), &pdf).unwrap();
        let pages = pdf_pages(&pdf);
        assert!(
            (1..=30).contains(&pages),
            "the plan prints on {pages} pages"
        );
        client.close().await.unwrap();
    });
}

/// The pages of a PDF: its `/Type /Page` objects (not the `/Pages` tree nodes).
fn pdf_pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.match_indices("/Type")
        .filter(|(at, _)| {
            let rest = text[at + 5..].trim_start();
            rest.starts_with("/Page") && !rest.starts_with("/Pages")
        })
        .count()
}
