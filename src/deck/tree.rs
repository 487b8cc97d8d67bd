//! A deck file as a tree of values with their byte spans, the same shape
//! whether it was written in TOML (the `toml` crate's spanned parser) or
//! JSON (`jsonc-parser` in strict mode), so one checker serves both.

use std::borrow::Cow;
use std::ops::Range;

use jsonc_parser::ast;
use toml::de::{DeTable, DeValue};

/// A value and where it stands in the file. Texts borrow from the file
/// where it has them unescaped, so a large deck is checked without a copy
/// of every string.
#[derive(Debug, Clone)]
pub(super) struct Node<'t> {
    pub span: Range<usize>,
    pub value: Value<'t>,
}

#[derive(Debug, Clone)]
pub(super) enum Value<'t> {
    Str(Cow<'t, str>),
    Int(i64),
    Float(f64),
    Bool(bool),
    Array(Vec<Node<'t>>),
    Table(Vec<Entry<'t>>),
    /// A value no deck field takes (a TOML date, a JSON null), by name.
    Other(&'static str),
}

/// A key of a table, with its own span, and its value.
#[derive(Debug, Clone)]
pub(super) struct Entry<'t> {
    pub key: Cow<'t, str>,
    pub key_span: Range<usize>,
    pub node: Node<'t>,
}

impl Value<'_> {
    /// How a message names this type.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "a string",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Bool(_) => "a boolean",
            Value::Array(_) => "a list",
            Value::Table(_) => "a table",
            Value::Other(name) => name,
        }
    }
}

/// A syntax error: where, and what.
pub(super) type SyntaxError = (usize, String);

/// Parses TOML, or returns every syntax error the parser recovered from.
pub(super) fn from_toml(text: &str) -> Result<Node<'_>, Vec<SyntaxError>> {
    let (table, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        return Err(errors
            .iter()
            .map(|e| {
                let at = e.span().map_or(0, |s| s.start);
                let message = e.message().lines().next().unwrap_or("").to_string();
                (at, message)
            })
            .collect());
    }
    let span = table.span();
    Ok(Node {
        span,
        value: toml_table(table.into_inner()),
    })
}

fn toml_table(table: DeTable<'_>) -> Value<'_> {
    Value::Table(
        table
            .into_iter()
            .map(|(key, value)| Entry {
                key_span: key.span(),
                key: key.into_inner(),
                node: Node {
                    span: value.span(),
                    value: toml_value(value.into_inner()),
                },
            })
            .collect(),
    )
}

fn toml_value(value: DeValue<'_>) -> Value<'_> {
    match value {
        DeValue::String(s) => Value::Str(s),
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .map_or(Value::Other("an integer out of range"), Value::Int),
        DeValue::Float(f) => f
            .as_str()
            .replace('_', "")
            .parse()
            .map_or(Value::Other("a malformed number"), Value::Float),
        DeValue::Boolean(b) => Value::Bool(b),
        DeValue::Datetime(_) => Value::Other("a date"),
        DeValue::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|item| Node {
                    span: item.span(),
                    value: toml_value(item.into_inner()),
                })
                .collect(),
        ),
        DeValue::Table(t) => toml_table(t),
    }
}

/// Parses strict JSON (no comments, no trailing commas), or returns the
/// syntax error.
pub(super) fn from_json(text: &str) -> Result<Node<'_>, Vec<SyntaxError>> {
    let strict = jsonc_parser::ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let parsed = jsonc_parser::parse_to_ast(text, &Default::default(), &strict)
        .map_err(|e| vec![(e.range().start, e.kind().to_string())])?;
    match parsed.value {
        Some(value) => Ok(json_value(value)),
        None => Err(vec![(0, "the file holds no JSON value".to_string())]),
    }
}

fn json_value(value: ast::Value<'_>) -> Node<'_> {
    let span = |r: jsonc_parser::common::Range| r.start..r.end;
    match value {
        ast::Value::StringLit(s) => Node {
            span: span(s.range),
            value: Value::Str(s.value),
        },
        ast::Value::NumberLit(n) => Node {
            span: span(n.range),
            value: match n.value.parse::<i64>() {
                Ok(i) => Value::Int(i),
                Err(_) => n
                    .value
                    .parse::<f64>()
                    .map_or(Value::Other("a malformed number"), Value::Float),
            },
        },
        ast::Value::BooleanLit(b) => Node {
            span: span(b.range),
            value: Value::Bool(b.value),
        },
        ast::Value::NullKeyword(n) => Node {
            span: span(n.range),
            value: Value::Other("null"),
        },
        ast::Value::Array(a) => Node {
            span: span(a.range),
            value: Value::Array(a.elements.into_iter().map(json_value).collect()),
        },
        ast::Value::Object(o) => Node {
            span: span(o.range),
            value: Value::Table(
                o.properties
                    .into_iter()
                    .map(|p| {
                        let (key, key_span) = match p.name {
                            ast::ObjectPropName::String(s) => (s.value, span(s.range)),
                            ast::ObjectPropName::Word(w) => (Cow::Borrowed(w.value), span(w.range)),
                        };
                        Entry {
                            key,
                            key_span,
                            node: json_value(p.value),
                        }
                    })
                    .collect(),
            ),
        },
    }
}
