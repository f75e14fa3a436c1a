#pragma once
// Compiler-style diagnostics for configuration files:
//   FILE:LINE:COL: error: MESSAGE
//   FILE:LINE:COL: warning: MESSAGE
// An error means the line (or the file) was rejected; a warning means it was
// accepted, possibly with a value adjusted or ignored.

#include <string>
#include <vector>

namespace ntp::config {

// Where something was written. Lines and columns count from 1; columns count
// bytes (a tab is one column, as classic ntpd and gcc's byte columns do).
// line == 0 means "the file as a whole" (e.g. it cannot be opened).
struct SourceLocation {
    std::string file;
    int line = 0;
    int column = 0;
};

enum class DiagnosticSeverity { warning, error };

struct Diagnostic {
    DiagnosticSeverity severity = DiagnosticSeverity::error;
    SourceLocation where;
    std::string message;
};

// "FILE:LINE:COL: error: MESSAGE" (or "FILE: error: MESSAGE" when line == 0).
std::string format_diagnostic(const Diagnostic& d);

// Collects diagnostics in the order they were found.
class Diagnostics {
public:
    void error(SourceLocation where, std::string message);
    void warning(SourceLocation where, std::string message);

    const std::vector<Diagnostic>& all() const { return list_; }
    int error_count() const { return errors_; }
    int warning_count() const { return static_cast<int>(list_.size()) - errors_; }

private:
    std::vector<Diagnostic> list_;
    int errors_ = 0;
};

}  // namespace ntp::config
