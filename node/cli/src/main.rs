//! `entroos-node`: parses the command line, sets up logging, and runs the
//! node or a subcommand. Errors end here as one line on stderr and exit 1:
//! the error, then each cause not already in the text before it.

use anyhow::Context;
use clap::Parser;
use entroos_node::cli::{Cli, Command, ExportArgs, ImportArgs, KeyCommand, LogFormat, SharedArgs};
use entroos_node::{blocks, chain_spec::ChainSpec, key_commands, keys, service};
use std::io::{IsTerminal, Write};

fn init_logging(shared: &SharedArgs) {
    let directives = shared.log_directives();
    let filter = tracing_subscriber::EnvFilter::try_new(&directives)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(shared.log_color(std::io::stderr().is_terminal()))
        .with_writer(std::io::stderr);
    let _ = match shared.log_format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

fn main() {
    let cli = Cli::parse();
    if let Err(error) = run_command(cli) {
        eprintln!("Error: {}", report(&error));
        std::process::exit(1);
    }
}

/// The error and its causes on one line, each cause once: a cause whose
/// text the messages before it already carry is left out.
fn report(error: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in error.chain() {
        let message = cause.to_string();
        if text.contains(&message) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&message);
    }
    text
}

fn run_command(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        None => {
            init_logging(&cli.run.shared);
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .context("starting the async runtime")?;
            runtime.block_on(run(cli.run))
        }
        Some(Command::BuildSpec(args)) => {
            init_logging(&args.shared);
            let spec = ChainSpec::load(&args.shared.chain_name())?;
            let spec = if args.disable_default_bootnode {
                spec.with_boot_nodes(Vec::new())
            } else {
                spec
            };
            let mut out = std::io::stdout().lock();
            writeln!(out, "{}", spec.to_json(args.raw)?)?;
            Ok(())
        }
        Some(Command::PurgeChain(args)) => {
            init_logging(&args.shared);
            let spec = ChainSpec::load(&args.shared.chain_name())?;
            let chain = service::chain_dir(&args.shared.base_path(), &spec);
            let db = chain.join("db");
            if !db.exists() {
                eprintln!("{} did not exist.", db.display());
                return Ok(());
            }
            let _lock = entroos_db::DirLock::acquire(&chain)?;
            if !args.yes {
                eprint!("Are you sure to remove {:?}? [y/N]: ", db);
                let mut answer = String::new();
                std::io::stdin().read_line(&mut answer)?;
                if !answer.trim().eq_ignore_ascii_case("y") {
                    eprintln!("Aborted");
                    return Ok(());
                }
            }
            std::fs::remove_dir_all(&db).with_context(|| format!("removing {}", db.display()))?;
            eprintln!("{:?} removed.", db);
            Ok(())
        }
        Some(Command::ExportBlocks(args)) => export_blocks(&args),
        Some(Command::ImportBlocks(args)) => import_blocks(&args),
        Some(Command::Key(KeyCommand::Generate(out))) => {
            let phrase = keys::generate_phrase(out.words)?;
            let json = out.output_type == "json";
            let text = keys::inspect(&phrase, &out.scheme, out.network, json)?;
            if json {
                println!("{text}");
            } else {
                print!(
                    "Secret phrase:       {phrase}\n{}",
                    text.split_once('\n').map(|(_, rest)| rest).unwrap_or(&text)
                );
            }
            Ok(())
        }
        Some(Command::Key(KeyCommand::Insert(args))) => {
            init_logging(&args.shared);
            let inserted = key_commands::insert(&args)?;
            eprintln!(
                "Inserted a {} {} key 0x{} into {}",
                args.scheme,
                args.key_type,
                hex::encode(inserted.public),
                inserted.dir.display()
            );
            Ok(())
        }
        Some(Command::Key(KeyCommand::GenerateNodeKey(args))) => {
            let (mut out, mut err) = (std::io::stdout().lock(), std::io::stderr().lock());
            key_commands::generate_node_key(&args, &mut out, &mut err)?;
            Ok(())
        }
        Some(Command::Key(KeyCommand::InspectNodeKey(args))) => {
            let peer_id = key_commands::inspect_node_key(&args, &mut std::io::stdin().lock())?;
            println!("{peer_id}");
            Ok(())
        }
        Some(Command::Key(KeyCommand::Inspect(args))) => {
            let json = args.output.output_type == "json";
            let text = keys::inspect(&args.uri, &args.output.scheme, args.output.network, json)?;
            if json {
                println!("{text}");
            } else {
                print!("{text}");
            }
            Ok(())
        }
    }
}

/// `export-blocks`: refuses a base path without this chain's database
/// rather than opening (and so creating) one.
fn export_blocks(args: &ExportArgs) -> anyhow::Result<()> {
    init_logging(&args.shared);
    let spec = ChainSpec::load(&args.shared.chain_name())?;
    let db = service::db_dir(&service::chain_dir(&args.shared.base_path(), &spec));
    blocks::require_database(&db, &spec.info.id)?;
    let (_, client) = service::open_client(
        &args.shared,
        &args.shared.base_path(),
        args.state_pruning.as_deref(),
        None,
    )?;
    let mut out = blocks::create_output(args.output.as_deref())?;
    let count = blocks::export(&client, args.from, args.to, args.json, &mut out)?;
    eprintln!("Exported {count} blocks");
    Ok(())
}

/// `import-blocks`: opens the input before the database, so that a
/// missing file leaves no database behind.
fn import_blocks(args: &ImportArgs) -> anyhow::Result<()> {
    init_logging(&args.shared);
    let mut input = blocks::open_input(args.input.as_deref())?;
    let (_, client) = service::open_client(
        &args.shared,
        &args.shared.base_path(),
        args.state_pruning.as_deref(),
        None,
    )?;
    let count = blocks::import(&client, args.json, &mut input)?;
    eprintln!("Imported {count} blocks; best #{}", client.heads().best.0);
    Ok(())
}

async fn run(args: entroos_node::cli::RunArgs) -> anyhow::Result<()> {
    let node = service::Service::start(args).await?;
    wait_for_signal().await;
    tracing::info!(target: "service", "Shutting down");
    node.stop().await;
    Ok(())
}

async fn wait_for_signal() {
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(signal) => signal,
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
            return;
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}

#[cfg(test)]
mod tests {
    use super::report;

    #[derive(Debug, thiserror::Error)]
    #[error("rocksdb: {0}")]
    struct Repeats(#[source] std::io::Error);

    #[test]
    fn a_cause_already_in_the_message_is_printed_once() {
        let io = std::io::Error::other("lock held");
        let error = anyhow::Error::new(Repeats(io)).context("opening the database");
        assert_eq!(report(&error), "opening the database: rocksdb: lock held");
        let fresh = anyhow::Error::new(std::io::Error::other("denied")).context("reading x");
        assert_eq!(report(&fresh), "reading x: denied");
    }
}
