//! Sending email: over SMTP when configured, otherwise into an outbox folder as `.eml` files,
//! so development, demos and tests work offline.

use std::path::PathBuf;

use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, header::ContentType},
    transport::smtp::{authentication::Credentials, client::Tls, client::TlsParameters},
};

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain connection upgraded with STARTTLS (port 587).
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption (a local relay only).
    None,
}

/// Where mail goes, from configuration.
#[derive(Debug, Clone)]
pub struct MailConfig {
    /// SMTP server; `None` writes to `outbox` instead.
    pub smtp_host: Option<String>,
    /// SMTP port.
    pub smtp_port: u16,
    /// SMTP security.
    pub smtp_tls: SmtpTls,
    /// SMTP user name, if the server needs one.
    pub smtp_user: Option<String>,
    /// SMTP password.
    pub smtp_password: Option<String>,
    /// The From address, e.g. `Quire <noreply@example.com>`.
    pub from: String,
    /// Folder for `.eml` files when there is no SMTP server.
    pub outbox: PathBuf,
}

/// Why mail could not be set up or sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// An address did not parse.
    #[error("invalid email address {0:?}")]
    Address(String),
    /// The message could not be built.
    #[error("could not build the message: {0}")]
    Build(#[from] lettre::error::Error),
    /// The SMTP server refused or could not be reached.
    #[error("SMTP delivery failed: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    /// The outbox could not be written.
    #[error("could not write to the outbox: {0}")]
    Outbox(#[from] std::io::Error),
}

/// Sends mail one way or the other.
#[derive(Debug, Clone)]
pub struct Mailer {
    from: Mailbox,
    transport: Transport,
}

#[derive(Debug, Clone)]
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Outbox(PathBuf),
}

impl Mailer {
    /// A mailer for this configuration.
    pub fn new(config: &MailConfig) -> Result<Self, MailError> {
        let from = config
            .from
            .parse::<Mailbox>()
            .map_err(|_| MailError::Address(config.from.clone()))?;
        let transport = match &config.smtp_host {
            None => Transport::Outbox(config.outbox.clone()),
            Some(host) => {
                let tls = match config.smtp_tls {
                    SmtpTls::StartTls => Tls::Required(TlsParameters::new(host.clone())?),
                    SmtpTls::Tls => Tls::Wrapper(TlsParameters::new(host.clone())?),
                    SmtpTls::None => Tls::None,
                };
                let mut builder =
                    AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host.as_str())
                        .port(config.smtp_port)
                        .tls(tls);
                if let (Some(user), Some(password)) = (&config.smtp_user, &config.smtp_password) {
                    builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
                }
                Transport::Smtp(builder.build())
            }
        };
        Ok(Self { from, transport })
    }

    /// A mailer that writes into `outbox` (for tests and the default set-up).
    pub fn outbox(outbox: PathBuf) -> Self {
        Self {
            from: Mailbox::new(
                Some("Quire".into()),
                "noreply@localhost"
                    .parse()
                    .unwrap_or_else(|_| unreachable!()),
            ),
            transport: Transport::Outbox(outbox),
        }
    }

    /// Sends a plain-text message; returns the `.eml` file when it went to the outbox.
    pub async fn send(
        &self,
        to: &str,
        subject: &str,
        body: String,
    ) -> Result<Option<PathBuf>, MailError> {
        let to = to
            .parse::<Mailbox>()
            .map_err(|_| MailError::Address(to.to_owned()))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)?;
        match &self.transport {
            Transport::Smtp(transport) => {
                transport.send(message).await?;
                Ok(None)
            }
            Transport::Outbox(dir) => {
                tokio::fs::create_dir_all(dir).await?;
                let name = format!(
                    "{}-{}.eml",
                    chrono::Utc::now().format("%Y%m%dT%H%M%S%.6fZ"),
                    crate::server_only::random::random_hex(4)
                );
                let path = dir.join(name);
                tokio::fs::write(&path, message.formatted()).await?;
                Ok(Some(path))
            }
        }
    }
}
