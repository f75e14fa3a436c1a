#include "libntp/config/parser.hh"

#include <algorithm>
#include <cctype>

#include "libntp/config/lexer.hh"
#include "libntp/config/line_parser.hh"

namespace ntp::config {

namespace {

// Words that are options of other directives: a line starting with one of
// them is a common slip (a wrapped line, a stray "minpoll 6").
bool is_association_option(std::string_view w) {
    static constexpr const char* options[] = {"iburst",  "burst",   "prefer", "noselect",
                                              "minpoll", "maxpoll", "key",    "version",
                                              "true",    "preempt", "mode",   "ttl"};
    return std::find_if(std::begin(options), std::end(options),
                        [&](const char* o) { return w == o; }) != std::end(options);
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

class Loader {
public:
    Loader(const FileReader& reader, LoadResult& result) : reader_(reader), result_(result) {}

    void parse_text(std::string_view text, const std::string& file, int depth) {
        ++result_.files_read;
        std::vector<LexedLine> lines = lex(text, file, diags_);
        result_.lines_read += count_lines(text);
        const LexedLine* open_simulate = nullptr;
        int brace_depth = 0;
        for (const LexedLine& line : lines) {
            if (stop_) return;
            if (line.rejected) continue;  // the lexer already said why
            if (open_simulate) {
                // Skip the simulator block up to its matching closing brace.
                brace_depth += brace_balance(line);
                if (brace_depth <= 0) open_simulate = nullptr;
                continue;
            }
            const Token& first = line.tokens.front();
            if (first.text == "simulate" && !first.quoted) {
                diags_.warning({file, line.line, first.column},
                               "the simulate block is for the classic simulator only, ignored");
                brace_depth = brace_balance(line);
                if (brace_depth > 0) open_simulate = &line;
                continue;
            }
            handle_line(line, file, depth);
        }
        if (open_simulate) {
            diags_.error({file, open_simulate->line, open_simulate->tokens.front().column},
                         "the simulate block is not closed with '}'");
        }
    }

    Diagnostics& diagnostics() { return diags_; }
    NtpConfig& config() { return config_; }

private:
    static int brace_balance(const LexedLine& line) {
        int balance = 0;
        for (const auto& t : line.tokens) {
            if (t.quoted) continue;
            balance += static_cast<int>(std::count(t.text.begin(), t.text.end(), '{'));
            balance -= static_cast<int>(std::count(t.text.begin(), t.text.end(), '}'));
        }
        return balance;
    }

    static int count_lines(std::string_view text) {
        int n = static_cast<int>(std::count(text.begin(), text.end(), '\n'));
        if (!text.empty() && text.back() != '\n') ++n;
        return n;
    }

    void handle_line(const LexedLine& line, const std::string& file, int depth) {
        const Token& first = line.tokens.front();
        const SourceLocation at{file, line.line, first.column};
        if (first.quoted) {
            diags_.error(at, "a directive cannot be a quoted string");
            return;
        }
        if (first.text == "end") {
            // Classic: stops reading this file and every file including it.
            stop_ = true;
            return;
        }
        if (first.text == "includefile") {
            include(line, file, depth);
            return;
        }
        detail::DirectiveHandler handler = detail::find_directive(first.text);
        if (!handler) {
            std::string message = "unknown directive '" + first.text + "'";
            if (detail::find_directive(lower(first.text)) || lower(first.text) == "includefile") {
                message += " (keywords are lower case)";
            } else if (is_association_option(first.text)) {
                message += " ('" + first.text + "' is an option of server, pool and peer lines)";
            }
            diags_.error(at, message);
            return;
        }
        Diagnostics line_diags;
        detail::LineParser parser(line, file, line_diags);
        const bool ok = handler(parser, state_) && line_diags.error_count() == 0;
        if (!ok) {
            // One bad line, one error: the first error found; warnings about a
            // dropped line would only confuse.
            const auto& all = line_diags.all();
            auto err = std::find_if(all.begin(), all.end(), [](const Diagnostic& d) {
                return d.severity == DiagnosticSeverity::error;
            });
            if (err != all.end()) {
                diags_.error(err->where, err->message);
            } else {
                diags_.error(at, "syntax error in '" + first.text + "' line");
            }
            return;
        }
        for (const auto& d : line_diags.all()) diags_.warning(d.where, d.message);
    }

    void include(const LexedLine& line, const std::string& file, int depth) {
        const Token& kw = line.tokens.front();
        if (line.tokens.size() < 2) {
            diags_.error({file, line.line, line.end_column}, "'includefile' needs a file name");
            return;
        }
        const Token& path = line.tokens[1];
        if (line.tokens.size() > 2) {
            diags_.error({file, line.line, line.tokens[2].column},
                         "unexpected '" + line.tokens[2].text + "' after the includefile name");
            return;
        }
        if (depth + 1 > max_include_depth) {
            // Classic: "getconfig: Maximum include file level exceeded."
            diags_.error({file, line.line, kw.column},
                         "maximum include file level (" + std::to_string(max_include_depth) +
                             ") exceeded, '" + path.text + "' not read");
            return;
        }
        FileContent content;
        if (reader_) content = reader_(path.text);
        else content.error = "No such file or directory";
        if (!content.ok) {
            // Classic: "getconfig: Couldn't open <path>", and it goes on.
            diags_.warning({file, line.line, path.column},
                           "cannot open includefile '" + path.text + "': " + content.error);
            return;
        }
        parse_text(content.text, path.text, depth + 1);
    }

    const FileReader& reader_;
    LoadResult& result_;
    Diagnostics diags_;
    NtpConfig config_;
    detail::ParseState state_{config_, {}, false};
    bool stop_ = false;
};

void finish(Loader& loader, LoadResult& result) {
    result.config = std::move(loader.config());
    result.diagnostics = loader.diagnostics().all();
    result.errors = loader.diagnostics().error_count();
    result.warnings = loader.diagnostics().warning_count();
}

}  // namespace

LoadResult parse_config_text(std::string_view text, const std::string& file_name,
                             const FileReader& reader) {
    LoadResult result;
    result.main_file_opened = true;
    Loader loader(reader, result);
    loader.parse_text(text, file_name, 0);
    finish(loader, result);
    return result;
}

LoadResult load_config(const std::string& path, const FileReader& reader) {
    FileContent content;
    if (reader) content = reader(path);
    else content.error = "No such file or directory";
    if (!content.ok) {
        LoadResult result;
        // Classic: "getconfig: Couldn't open <path>: <error>", then it runs
        // with no configuration; for --configtest this is an error.
        result.diagnostics.push_back({DiagnosticSeverity::error, {path, 0, 0},
                                      "cannot open configuration file: " + content.error});
        result.errors = 1;
        return result;
    }
    return parse_config_text(content.text, path, reader);
}

}  // namespace ntp::config
