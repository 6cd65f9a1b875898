//! A small evaluator of GitHub Actions expressions, enough for the `if:`
//! conditions pipec writes: contexts, literals, `!`, `&&`, `||` (which
//! yield operands, as GitHub's do), loose comparisons (strings compare
//! without case), and the functions `startsWith`, `endsWith`, `contains`,
//! `format` and the status functions. A value the evaluation cannot know
//! (an output, a variable) is `Unknown`, and so is anything computed from
//! it, so that a test compares only what both sides can decide.

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Unknown,
}

impl Value {
    pub fn truthy(&self) -> Option<bool> {
        match self {
            Value::Null => Some(false),
            Value::Bool(flag) => Some(*flag),
            Value::Number(number) => Some(*number != 0.0 && !number.is_nan()),
            Value::String(text) => Some(!text.is_empty()),
            Value::Unknown => None,
        }
    }

    fn number(&self) -> f64 {
        match self {
            Value::Null => 0.0,
            Value::Bool(flag) => f64::from(u8::from(*flag)),
            Value::Number(number) => *number,
            Value::String(text) if text.trim().is_empty() => 0.0,
            Value::String(text) => text.trim().parse().unwrap_or(f64::NAN),
            Value::Unknown => f64::NAN,
        }
    }

    fn text(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Bool(flag) => flag.to_string(),
            Value::Number(number) => number.to_string(),
            Value::String(text) => text.clone(),
            Value::Unknown => String::new(),
        }
    }
}

/// What the evaluation knows: a lookup of dotted context names, and how
/// the status functions answer.
pub struct Environment<'a> {
    pub lookup: &'a dyn Fn(&str) -> Value,
    pub success: bool,
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Identifier(String),
    String(String),
    Number(f64),
    Symbol(&'static str),
}

fn tokens(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut index = 0;
    while index < chars.len() {
        let current = chars[index];
        if current.is_whitespace() {
            index += 1;
        } else if current == '\'' {
            let mut value = String::new();
            index += 1;
            while index < chars.len() {
                if chars[index] == '\'' {
                    if chars.get(index + 1) == Some(&'\'') {
                        value.push('\'');
                        index += 2;
                        continue;
                    }
                    index += 1;
                    break;
                }
                value.push(chars[index]);
                index += 1;
            }
            tokens.push(Token::String(value));
        } else if current.is_ascii_digit() {
            let start = index;
            while index < chars.len() && (chars[index].is_ascii_digit() || chars[index] == '.') {
                index += 1;
            }
            let text: String = chars[start..index].iter().collect();
            tokens.push(Token::Number(text.parse().unwrap_or(f64::NAN)));
        } else if current.is_alphabetic() || current == '_' {
            let start = index;
            while index < chars.len()
                && (chars[index].is_alphanumeric() || matches!(chars[index], '_' | '-' | '.' | '*'))
            {
                index += 1;
            }
            tokens.push(Token::Identifier(chars[start..index].iter().collect()));
        } else {
            let two: String = chars[index..(index + 2).min(chars.len())].iter().collect();
            let symbol = ["==", "!=", "<=", ">=", "&&", "||"]
                .into_iter()
                .find(|symbol| *symbol == two);
            match symbol {
                Some(symbol) => {
                    tokens.push(Token::Symbol(symbol));
                    index += 2;
                }
                None => {
                    let one = match current {
                        '!' => "!",
                        '(' => "(",
                        ')' => ")",
                        ',' => ",",
                        '<' => "<",
                        '>' => ">",
                        _ => "?",
                    };
                    tokens.push(Token::Symbol(one));
                    index += 1;
                }
            }
        }
    }
    tokens
}

struct Parser<'a> {
    tokens: Vec<Token>,
    position: usize,
    environment: &'a Environment<'a>,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.position)
    }

    fn eat(&mut self, symbol: &str) -> bool {
        if self.peek() == Some(&Token::Symbol(leak(symbol))) {
            self.position += 1;
            true
        } else {
            false
        }
    }

    fn or(&mut self) -> Value {
        let mut left = self.and();
        while self.eat("||") {
            let right = self.and();
            left = match left.truthy() {
                Some(true) => left,
                Some(false) => right,
                None => Value::Unknown,
            };
        }
        left
    }

    fn and(&mut self) -> Value {
        let mut left = self.comparison();
        while self.eat("&&") {
            let right = self.comparison();
            left = match left.truthy() {
                Some(false) => left,
                Some(true) => right,
                None => Value::Unknown,
            };
        }
        left
    }

    fn comparison(&mut self) -> Value {
        let left = self.unary();
        for symbol in ["==", "!=", "<=", ">=", "<", ">"] {
            if self.eat(symbol) {
                let right = self.unary();
                if left == Value::Unknown || right == Value::Unknown {
                    return Value::Unknown;
                }
                let equal = match (&left, &right) {
                    (Value::String(a), Value::String(b)) => a.eq_ignore_ascii_case(b),
                    _ => left.number() == right.number(),
                };
                return Value::Bool(match symbol {
                    "==" => equal,
                    "!=" => !equal,
                    "<" => left.number() < right.number(),
                    ">" => left.number() > right.number(),
                    "<=" => left.number() <= right.number(),
                    _ => left.number() >= right.number(),
                });
            }
        }
        left
    }

    fn unary(&mut self) -> Value {
        if self.eat("!") {
            return match self.unary().truthy() {
                Some(value) => Value::Bool(!value),
                None => Value::Unknown,
            };
        }
        self.atom()
    }

    fn atom(&mut self) -> Value {
        let Some(token) = self.peek().cloned() else {
            return Value::Unknown;
        };
        self.position += 1;
        match token {
            Token::String(text) => Value::String(text),
            Token::Number(number) => Value::Number(number),
            Token::Symbol("(") => {
                let value = self.or();
                self.eat(")");
                value
            }
            Token::Identifier(name) => match name.as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                "null" => Value::Null,
                _ if self.eat("(") => {
                    let mut arguments = Vec::new();
                    if !self.eat(")") {
                        loop {
                            arguments.push(self.or());
                            if !self.eat(",") {
                                break;
                            }
                        }
                        self.eat(")");
                    }
                    self.call(&name, &arguments)
                }
                _ => (self.environment.lookup)(&name),
            },
            Token::Symbol(_) => Value::Unknown,
        }
    }

    fn call(&self, function: &str, arguments: &[Value]) -> Value {
        let status = |value: bool| Value::Bool(value);
        match function {
            "success" => status(self.environment.success),
            "failure" | "cancelled" => status(false),
            "always" => status(true),
            _ if arguments.contains(&Value::Unknown) => Value::Unknown,
            "startsWith" => Value::Bool(
                arguments[0]
                    .text()
                    .to_lowercase()
                    .starts_with(&arguments[1].text().to_lowercase()),
            ),
            "endsWith" => Value::Bool(
                arguments[0]
                    .text()
                    .to_lowercase()
                    .ends_with(&arguments[1].text().to_lowercase()),
            ),
            "contains" => Value::Bool(
                arguments[0]
                    .text()
                    .to_lowercase()
                    .contains(&arguments[1].text().to_lowercase()),
            ),
            "format" => {
                let mut text = arguments[0].text();
                for (index, argument) in arguments[1..].iter().enumerate() {
                    text = text.replace(&format!("{{{index}}}"), &argument.text());
                }
                Value::String(text.replace("{{", "{").replace("}}", "}"))
            }
            _ => Value::Unknown,
        }
    }
}

/// Interned symbols, so that tokens compare by value with `&'static str`.
fn leak(symbol: &str) -> &'static str {
    [
        "==", "!=", "<=", ">=", "&&", "||", "!", "(", ")", ",", "<", ">",
    ]
    .into_iter()
    .find(|known| *known == symbol)
    .unwrap_or("?")
}

/// Whether a condition mentions a status function (GitHub then does not
/// add its implicit `success() &&`).
pub fn mentions_status(condition: &str) -> bool {
    ["success()", "failure()", "always()", "cancelled()"]
        .iter()
        .any(|function| condition.contains(function))
}

pub fn evaluate(condition: &str, environment: &Environment<'_>) -> Value {
    let mut parser = Parser {
        tokens: tokens(condition),
        position: 0,
        environment,
    };
    parser.or()
}
