//! The `nianbao` command. All the work is in the library; `cli` only turns arguments
//! into calls and results into output and an exit code.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
