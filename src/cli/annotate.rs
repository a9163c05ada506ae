//! `nianbao annotate draft.docx`: writes `draft.nianbao.docx`, the same document with
//! every finding as a Word comment (`nianbao::annotate`). Never writes over the input.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use nianbao::Counts;

use super::{PackArgs, load_pack, render_load_error, write_stderr};

#[derive(Args)]
pub struct AnnotateArgs {
    /// Word 文档（.docx）
    #[arg(value_name = "FILE")]
    path: PathBuf,
    /// 输出文件（默认在原文件旁：报告.docx → 报告.nianbao.docx；从不覆盖原文件）
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    pack: PackArgs,
}

/// `draft.docx` → `draft.nianbao.docx`; `draft.nianbao.docx` (an earlier output) →
/// itself, which `run` refuses as the input.
pub fn default_output(input: &Path) -> PathBuf {
    let stem = input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = stem.strip_suffix(".nianbao").unwrap_or(&stem);
    input.with_file_name(format!("{stem}.nianbao.docx"))
}

fn fail(message: &str, help: &str) -> ExitCode {
    eprintln!("错误：{message}");
    eprintln!("  = 建议：{help}");
    ExitCode::from(2)
}

pub fn run(args: AnnotateArgs) -> ExitCode {
    let pack = match load_pack(&args.pack) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let name = args.path.display().to_string();
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| default_output(&args.path));
    let same = output == args.path
        || matches!(
            (args.path.canonicalize(), output.canonicalize()),
            (Ok(a), Ok(b)) if a == b
        );
    if same {
        return fail(
            &format!(
                "输出文件 `{}` 就是输入文件，nianbao 不会覆盖原文件",
                output.display()
            ),
            "用 -o 指定另一个输出文件",
        );
    }
    let bytes = match read(&args.path) {
        Ok(b) => b,
        Err(e) => {
            let mut buf = nianbao::report::human::buffer(false);
            render_load_error(&mut buf, &e);
            write_stderr(&buf);
            return ExitCode::from(2);
        }
    };
    let linter = nianbao::Linter::new(pack);
    let outcome = match linter.lint_bytes(&name, &bytes) {
        Ok(o) => o,
        Err(e) => {
            let mut buf = nianbao::report::human::buffer(false);
            render_load_error(&mut buf, &e);
            write_stderr(&buf);
            return ExitCode::from(2);
        }
    };
    let annotated =
        match nianbao::annotate::annotate(&bytes, &outcome.document, &outcome.diagnostics) {
            Ok(a) => a,
            Err(e) => return fail(&format!("`{name}`：{}", e.message()), e.help()),
        };
    // Written next to the target, then renamed: no half-written file is left behind.
    let tmp = output.with_file_name(format!(
        ".{}.nianbao-tmp",
        output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    ));
    if let Err(e) =
        std::fs::write(&tmp, &annotated.bytes).and_then(|()| std::fs::rename(&tmp, &output))
    {
        let _ = std::fs::remove_file(&tmp);
        return fail(
            &format!("无法写入 `{}`：{e}", output.display()),
            "确认目录可写，或用 -o 指定另一个输出文件",
        );
    }
    let c = Counts::of(&outcome.diagnostics);
    let mut line = format!(
        "已写入 {}：{} 条批注（{} 个错误，{} 个警告",
        output.display(),
        annotated.comments,
        c.errors,
        c.warnings
    );
    if c.infos > 0 {
        line.push_str(&format!("，{} 个提示", c.infos));
    }
    line.push('）');
    if annotated.replaced > 0 {
        line.push_str(&format!(
            "，替换了上次的 {} 条 nianbao 批注",
            annotated.replaced
        ));
    }
    println!("{line}");
    if c.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn read(path: &Path) -> Result<Vec<u8>, nianbao::LoadError> {
    let name = path.display().to_string();
    let err = |e: std::io::Error| {
        let kind = if e.kind() == std::io::ErrorKind::NotFound {
            nianbao::LoadErrorKind::NotFound
        } else {
            nianbao::LoadErrorKind::Io(e)
        };
        nianbao::LoadError::new(name.clone(), kind)
    };
    let file = std::fs::File::open(path).map_err(err)?;
    let limit = nianbao::load::docx::MAX_FILE_BYTES;
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes).map_err(err)?;
    if bytes.len() as u64 > limit {
        return Err(nianbao::LoadError::new(
            name,
            nianbao::LoadErrorKind::TooLarge {
                limit_mb: limit >> 20,
            },
        ));
    }
    Ok(bytes)
}
