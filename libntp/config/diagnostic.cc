#include "libntp/config/diagnostic.hh"

namespace ntp::config {

std::string format_diagnostic(const Diagnostic& d) {
    std::string out = d.where.file;
    if (d.where.line > 0) {
        out += ':' + std::to_string(d.where.line);
        out += ':' + std::to_string(d.where.column > 0 ? d.where.column : 1);
    }
    out += d.severity == DiagnosticSeverity::error ? ": error: " : ": warning: ";
    out += d.message;
    return out;
}

void Diagnostics::error(SourceLocation where, std::string message) {
    list_.push_back({DiagnosticSeverity::error, std::move(where), std::move(message)});
    ++errors_;
}

void Diagnostics::warning(SourceLocation where, std::string message) {
    list_.push_back({DiagnosticSeverity::warning, std::move(where), std::move(message)});
}

}  // namespace ntp::config
