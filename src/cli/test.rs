//! `nianbao test PACK_DIR`: runs a pack's fixtures (see `nianbao::packtest`) and prints
//! the expected-vs-reported difference. Exit 0 all passed and every rule covered, 1
//! otherwise, 2 when the pack cannot be loaded or has no fixtures.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use nianbao::packtest::{self, TestError};

use super::{report_pack_error, write_stdout};

#[derive(Args)]
pub struct TestArgs {
    /// 规则包目录（其中 tests/ 放用例）
    #[arg(value_name = "PACK_DIR")]
    dir: PathBuf,
}

pub fn run(args: TestArgs) -> ExitCode {
    match packtest::run(&args.dir) {
        Ok(report) => {
            write_stdout(packtest::render(&report).as_bytes());
            if report.passed() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(TestError::Pack(e)) => report_pack_error(&e),
        Err(TestError::NoFixtures(dir)) => {
            eprintln!(
                "错误：没有找到用例：`{}` 不存在或没有报告文件\n  = 建议：在规则包目录下建 tests/，放入报告（.txt、.md、.html、.docx），并写明预期问题；`nianbao init --pack 名称` 生成的骨架里有示例",
                dir.display()
            );
            ExitCode::from(2)
        }
    }
}
