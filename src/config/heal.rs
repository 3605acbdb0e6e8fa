//! The `heal-preset` inputs: which platform's restart API, its token, what it restarts and the
//! API's base. They are checked together, so that a preset without its token or ids, an id of
//! another preset, or a preset beside `heal-url` stops the run before anything is sent.

use url::Url;

use super::{http_url, Choice, HealPreset, InputError, RawInputs};

/// A restart through a platform's API.
#[derive(Clone, PartialEq, Eq)]
pub struct PresetSettings {
    /// `heal-token`, as given (masked as a secret).
    pub token: String,
    pub target: PresetTarget,
    /// The API's base: the platform's own, or `heal-api-url`.
    pub api: Url,
}

/// The token is never printed, not even in a debug dump.
impl std::fmt::Debug for PresetSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PresetSettings")
            .field("token", &"***")
            .field("target", &self.target)
            .field("api", &self.api.as_str())
            .finish()
    }
}

/// What is restarted, in each platform's own words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PresetTarget {
    Render {
        service: String,
    },
    /// No environment: the token is a project token, which belongs to one environment.
    Railway {
        service: String,
        environment: Option<String>,
    },
    Fly {
        app: String,
    },
    Koyeb {
        service: String,
    },
    Cloudtype {
        scope: String,
        project: String,
        stage: String,
        deployment: String,
    },
}

impl PresetTarget {
    pub fn preset(&self) -> HealPreset {
        match self {
            PresetTarget::Render { .. } => HealPreset::Render,
            PresetTarget::Railway { .. } => HealPreset::Railway,
            PresetTarget::Fly { .. } => HealPreset::Fly,
            PresetTarget::Koyeb { .. } => HealPreset::Koyeb,
            PresetTarget::Cloudtype { .. } => HealPreset::Cloudtype,
        }
    }
}

impl HealPreset {
    /// The platform's API base.
    pub fn default_api(self) -> &'static str {
        match self {
            HealPreset::Render => "https://api.render.com/",
            HealPreset::Railway => "https://backboard.railway.com/",
            HealPreset::Fly => "https://api.machines.dev/",
            HealPreset::Koyeb => "https://app.koyeb.com/",
            HealPreset::Cloudtype => "https://api.cloudtype.io/",
        }
    }

    /// Where a token for this platform is made.
    pub fn token_hint(self) -> &'static str {
        match self {
            HealPreset::Render => "a Render API key (Account Settings → API Keys)",
            HealPreset::Railway => {
                "a Railway token (an account or workspace token from Account Settings → Tokens, with heal-environment; or a project token from the project's Settings → Tokens)"
            }
            HealPreset::Fly => "a Fly.io token (`fly tokens create deploy -a <app>`)",
            HealPreset::Koyeb => "a Koyeb API token (Settings → API in the control panel)",
            HealPreset::Cloudtype => "a CloudType API key (made in the CloudType console)",
        }
    }

    /// What `heal-service` names for this platform, with an example.
    fn service_hint(self) -> &'static str {
        match self {
            HealPreset::Render => "the service id from its dashboard URL, e.g. srv-abc123",
            HealPreset::Railway => "the service id (in the service's URL after /service/)",
            HealPreset::Fly => "the app's name, as in `fly status -a <app>`",
            HealPreset::Koyeb => "the service id (the service's Settings, or `koyeb service list`)",
            HealPreset::Cloudtype => {
                "stage/deployment, e.g. main/web (or only the deployment's name for the main stage)"
            }
        }
    }
}

/// The token without a scheme, and each part of a comma-separated token (at least 8
/// characters: shorter ones would hide ordinary words of the log).
fn token_parts(token: &str) -> Vec<String> {
    let mut bare = token.trim();
    while let Some((scheme, rest)) = bare.split_once(' ') {
        if !(scheme.eq_ignore_ascii_case("Bearer") || scheme.eq_ignore_ascii_case("FlyV1")) {
            break;
        }
        bare = rest.trim();
    }
    let mut parts = vec![bare.to_string()];
    parts.extend(bare.split(',').map(|p| p.trim().to_string()));
    parts.retain(|p| p.len() >= 8);
    parts.dedup();
    parts
}

/// The inputs only a preset reads.
const PRESET_ONLY: [&str; 5] = [
    "heal-token",
    "heal-service",
    "heal-project",
    "heal-environment",
    "heal-api-url",
];

/// `heal-preset` and its inputs, or `None` without a preset. Beside the whole token (masked as
/// a raw input), its parts are kept in `secrets`: without a `Bearer ` or `FlyV1 ` scheme, and
/// each of a comma-separated list (Fly.io's), in case an answer echoes one of them.
pub(super) fn preset_settings(
    raw: &RawInputs,
    secrets: &mut Vec<String>,
) -> Result<Option<PresetSettings>, InputError> {
    let Some(word) = raw.heal_preset.as_deref() else {
        if let Some(input) = PRESET_ONLY.into_iter().find(|i| raw.get(i).is_some()) {
            return Err(InputError::new(
                input,
                format!("{input} is set but heal-preset is not"),
                format!(
                    "set heal-preset to {}, or remove {input}",
                    HealPreset::words()
                ),
            ));
        }
        return Ok(None);
    };
    let preset = super::choice("heal-preset", &Some(word.to_string()), HealPreset::Render)?;
    let name = preset.as_str();
    // `heal-method` is POST by default in action.yml: only another method contradicts a preset.
    let method_set = raw
        .heal_method
        .as_deref()
        .is_some_and(|m| !m.eq_ignore_ascii_case("POST"));
    for input in ["heal-url", "heal-method", "heal-headers", "heal-body"] {
        if raw.get(input).is_some() && (input != "heal-method" || method_set) {
            return Err(InputError::new(
                input,
                format!(
                    "{input} is set beside heal-preset {name}: the preset makes its own request"
                ),
                format!("remove {input}, or remove heal-preset to call heal-url yourself"),
            ));
        }
    }
    let token = raw.heal_token.clone().ok_or_else(|| {
        InputError::new(
            "heal-token",
            format!("heal-preset {name} needs a token"),
            format!("set heal-token to {}, from a secret", preset.token_hint()),
        )
    })?;
    secrets.extend(token_parts(&token));
    if token.chars().any(|c| c.is_control() || !c.is_ascii()) {
        return Err(InputError::new(
            "heal-token",
            "the token has characters a header cannot carry",
            format!("give {} on one line", preset.token_hint()),
        ));
    }
    let service = raw.heal_service.as_deref().ok_or_else(|| {
        InputError::new(
            "heal-service",
            format!("heal-preset {name} needs to know what to restart"),
            format!("set heal-service to {}", preset.service_hint()),
        )
    })?;
    let not_for = |input: &'static str, only: &str| -> Result<(), InputError> {
        match raw.get(input) {
            Some(_) => Err(InputError::new(
                input,
                format!("{input} is only read by heal-preset {only}, not {name}"),
                format!("remove {input}"),
            )),
            None => Ok(()),
        }
    };
    if preset != HealPreset::Cloudtype {
        not_for("heal-project", "cloudtype")?;
    }
    if preset != HealPreset::Railway {
        not_for("heal-environment", "railway")?;
    }
    let id = |input: &'static str, value: &str, hint: &str| -> Result<String, InputError> {
        // Ids become path segments: no `/`, and not `.` or `..`.
        let ok = !value.is_empty()
            && !value.chars().all(|c| c == '.')
            && value.len() <= 100
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if ok {
            Ok(value.to_string())
        } else {
            Err(InputError::new(
                input,
                format!(
                    "{:?} is not an id or name {} knows",
                    crate::text::clip(value, 60),
                    preset.title()
                ),
                format!("set {input} to {hint}"),
            ))
        }
    };
    let target = match preset {
        HealPreset::Render => PresetTarget::Render {
            service: id("heal-service", service, preset.service_hint())?,
        },
        HealPreset::Railway => PresetTarget::Railway {
            service: id("heal-service", service, preset.service_hint())?,
            environment: raw
                .heal_environment
                .as_deref()
                .map(|e| id("heal-environment", e, "the environment's id (in the service's URL after environmentId=), or remove it with a project token"))
                .transpose()?,
        },
        HealPreset::Fly => PresetTarget::Fly {
            app: id("heal-service", service, preset.service_hint())?,
        },
        HealPreset::Koyeb => PresetTarget::Koyeb {
            service: id("heal-service", service, preset.service_hint())?,
        },
        HealPreset::Cloudtype => {
            let hint = "scope/project, as in the console's address app.cloudtype.io/@scope/project";
            let whole = raw.heal_project.as_deref().ok_or_else(|| {
                InputError::new(
                    "heal-project",
                    "heal-preset cloudtype needs the project",
                    format!("set heal-project to {hint}"),
                )
            })?;
            let Some((scope, project)) = whole.split_once('/') else {
                return Err(InputError::new(
                    "heal-project",
                    "the value has no `/` between the scope and the project",
                    format!("set heal-project to {hint}"),
                ));
            };
            let (stage, deployment) = service.split_once('/').unwrap_or(("main", service));
            PresetTarget::Cloudtype {
                scope: id("heal-project", scope, hint)?,
                project: id("heal-project", project, hint)?,
                stage: id("heal-service", stage, preset.service_hint())?,
                deployment: id("heal-service", deployment, preset.service_hint())?,
            }
        }
    };
    let api = http_url("heal-api-url", &raw.heal_api_url)?
        .unwrap_or_else(|| Url::parse(preset.default_api()).expect("a valid URL"));
    Ok(Some(PresetSettings { token, target, api }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(pairs: &[(&str, &str)]) -> RawInputs {
        RawInputs::from_vars(
            pairs
                .iter()
                .map(|(k, v)| (format!("INPUT_{}", k.to_uppercase()), v.to_string())),
        )
        .unwrap()
    }

    fn err(pairs: &[(&str, &str)]) -> InputError {
        preset_settings(&raw(pairs), &mut Vec::new()).unwrap_err()
    }

    fn settings(pairs: &[(&str, &str)]) -> Option<PresetSettings> {
        preset_settings(&raw(pairs), &mut Vec::new()).unwrap()
    }

    #[test]
    fn the_token_parts_are_secrets_too() {
        let mut secrets = Vec::new();
        preset_settings(
            &raw(&[
                ("heal-preset", "fly"),
                ("heal-token", "FlyV1 fm2_aaaaaaaaaa,fm2_bbbbbbbbbb"),
                ("heal-service", "shop"),
            ]),
            &mut secrets,
        )
        .unwrap();
        assert_eq!(
            secrets,
            [
                "fm2_aaaaaaaaaa,fm2_bbbbbbbbbb",
                "fm2_aaaaaaaaaa",
                "fm2_bbbbbbbbbb"
            ]
        );
        assert_eq!(token_parts("short"), Vec::<String>::new());
    }

    #[test]
    fn each_preset_reads_its_ids() {
        let s = settings(&[
            ("heal-preset", "render"),
            ("heal-token", "rnd_abc"),
            ("heal-service", "srv-abc123"),
        ])
        .unwrap();
        assert_eq!(
            s.target,
            PresetTarget::Render {
                service: "srv-abc123".into()
            }
        );
        assert_eq!(s.api.as_str(), "https://api.render.com/");
        assert!(!format!("{s:?}").contains("rnd_abc"));
        let s = settings(&[
            ("heal-preset", "cloudtype"),
            ("heal-token", "key"),
            ("heal-project", "myspace/shop"),
            ("heal-service", "web"),
            ("heal-api-url", "http://127.0.0.1:9/"),
        ])
        .unwrap();
        assert_eq!(
            s.target,
            PresetTarget::Cloudtype {
                scope: "myspace".into(),
                project: "shop".into(),
                stage: "main".into(),
                deployment: "web".into()
            }
        );
        assert_eq!(s.api.as_str(), "http://127.0.0.1:9/");
        let s = settings(&[
            ("heal-preset", "railway"),
            ("heal-token", "t"),
            ("heal-service", "svc-1"),
            ("heal-environment", "env-1"),
        ])
        .unwrap();
        assert_eq!(
            s.target,
            PresetTarget::Railway {
                service: "svc-1".into(),
                environment: Some("env-1".into())
            }
        );
        assert_eq!(settings(&[]), None);
    }

    #[test]
    fn missing_and_contradictory_inputs_are_named() {
        let e = err(&[("heal-preset", "render"), ("heal-service", "srv-1")]);
        assert_eq!(e.input, "heal-token");
        assert!(e.accepted.contains("API Keys"), "{e}");
        let e = err(&[("heal-preset", "fly"), ("heal-token", "t")]);
        assert_eq!(e.input, "heal-service");
        assert!(e.accepted.contains("app's name"), "{e}");
        let e = err(&[
            ("heal-preset", "koyeb"),
            ("heal-token", "t"),
            ("heal-service", "s"),
            ("heal-url", "https://hooks.example/x"),
        ]);
        assert_eq!(e.input, "heal-url");
        let preset = [
            ("heal-preset", "koyeb"),
            ("heal-token", "t"),
            ("heal-service", "s"),
        ];
        let with_post = [&preset[..], &[("heal-method", "POST")]].concat();
        assert!(settings(&with_post).is_some());
        let with_get = [&preset[..], &[("heal-method", "GET")]].concat();
        assert_eq!(err(&with_get).input, "heal-method");
        let e = err(&[("heal-token", "t")]);
        assert_eq!(e.input, "heal-token");
        assert!(e.problem.contains("heal-preset is not"), "{e}");
        let e = err(&[
            ("heal-preset", "render"),
            ("heal-token", "t"),
            ("heal-service", "srv-1"),
            ("heal-environment", "e"),
        ]);
        assert_eq!(e.input, "heal-environment");
        let e = err(&[
            ("heal-preset", "cloudtype"),
            ("heal-token", "t"),
            ("heal-service", "main/web"),
        ]);
        assert_eq!(e.input, "heal-project");
        let e = err(&[
            ("heal-preset", "cloudtype"),
            ("heal-token", "t"),
            ("heal-project", "shop"),
            ("heal-service", "main/web"),
        ]);
        assert!(e.problem.contains("no `/`"), "{e}");
        let e = err(&[
            ("heal-preset", "render"),
            ("heal-token", "t"),
            ("heal-service", "srv 1/../x"),
        ]);
        assert_eq!(e.input, "heal-service");
        let e = err(&[
            ("heal-preset", "cloudtype"),
            ("heal-token", "t"),
            ("heal-project", "../x"),
            ("heal-service", "web"),
        ]);
        assert_eq!(e.input, "heal-project");
        let e = err(&[("heal-preset", "heroku")]);
        assert_eq!(e.input, "heal-preset");
        assert!(e
            .accepted
            .contains("render, railway, fly, koyeb or cloudtype"));
    }
}
