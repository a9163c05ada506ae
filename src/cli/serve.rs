//! `nianbao serve`: starts the web page and JSON API (`nianbao::server`) on a local
//! address, with a warning when the address can be reached from other machines.

use std::net::TcpListener;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;

use super::{PackArgs, load_pack};

#[derive(Args)]
pub struct ServeArgs {
    /// 监听地址。默认只允许本机访问；供内网使用时如 0.0.0.0:8080（能访问该地址的任何人都可以使用）
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    bind: String,
    /// 上传文件的大小上限（MB）
    #[arg(long, value_name = "MB", default_value_t = 20)]
    max_upload: usize,
    /// 每个请求的时间上限（秒，包括排队等候）
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    timeout: u64,
    /// 同时进行的检查数（默认为 CPU 核数）；其余请求排队，超时返回 503
    #[arg(long, value_name = "N")]
    max_checks: Option<usize>,
    /// 启动后用默认浏览器打开页面
    #[arg(long)]
    open: bool,
    #[command(flatten)]
    pack: PackArgs,
}

pub fn run(args: ServeArgs) -> ExitCode {
    let pack = match load_pack(&args.pack) {
        Ok(p) => p,
        Err(code) => return code,
    };
    if args.max_upload == 0 || args.timeout == 0 || args.max_checks == Some(0) {
        eprintln!("错误：--max-upload、--timeout 和 --max-checks 必须大于 0");
        return ExitCode::from(2);
    }
    let listener = match TcpListener::bind(&args.bind) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("错误：无法监听 {}：{e}", args.bind);
            eprintln!(
                "  = 建议：换一个端口（如 --bind 127.0.0.1:8081），或确认没有其他程序占用该地址"
            );
            return ExitCode::from(2);
        }
    };
    let addr = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("错误：无法取得监听地址：{e}");
            return ExitCode::from(2);
        }
    };
    let mut config = nianbao::server::Config::new(nianbao::Linter::new(pack));
    config.max_upload = args.max_upload.saturating_mul(1024 * 1024);
    config.timeout = Duration::from_secs(args.timeout);
    if let Some(n) = args.max_checks {
        config.max_checks = n;
    }
    let local_url = format!("http://127.0.0.1:{}/", addr.port());
    let url = if addr.ip().is_unspecified() {
        format!("http://<本机地址>:{}/", addr.port())
    } else {
        format!("http://{addr}/")
    };
    // A closed standard output (a supervisor that stopped reading) must not stop the
    // server: write errors are ignored.
    {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "nianbao 网页服务已启动：{url}");
        let _ = writeln!(
            out,
            "在浏览器中打开这个地址，把报告拖到页面上即可检查。按 Ctrl+C 停止。"
        );
        let _ = out.flush();
    }
    if nianbao::server::is_public(&addr) {
        eprintln!(
            "警告：正在监听 {addr}，不只是本机：能访问这个地址的任何人都可以使用本服务上传报告。\n  \
             = 说明：上传的文件只在内存中检查，不写入磁盘、不记录；但请只在可信的内网中这样做"
        );
    }
    if args.open {
        open_browser(if addr.ip().is_loopback() || addr.ip().is_unspecified() {
            &local_url
        } else {
            &url
        });
    }
    match nianbao::server::run(listener, config) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：网页服务出错：{e}");
            ExitCode::from(2)
        }
    }
}

/// Opens the default browser; a failure is only a note (the address is printed).
fn open_browser(url: &str) {
    let mut cmd = if cfg!(target_os = "windows") {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else {
        std::process::Command::new("xdg-open")
    };
    cmd.arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    if cmd.spawn().is_err() {
        eprintln!("提示：无法自动打开浏览器，请手动打开 {url}");
    }
}
