package mockserver

import (
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// apiError is a failure a handler reports; the route's error style renders it.
type apiError struct {
	Status  int
	Message string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s", e.Status, e.Message) }

func errorf(status int, format string, args ...any) *apiError {
	return &apiError{Status: status, Message: fmt.Sprintf(format, args...)}
}

// errStyle is the error body dialect of a group of routes.
type errStyle int

const (
	glanceErrors   errStyle = iota // webob, format chosen by Accept (REFERENCE §4.1)
	keystoneErrors                 // {"error":{"code","title","message"}}
	raxErrors                      // Rackspace identity: {"unauthorized":{"code","message"}}
	swiftErrors                    // Swift (Cloud Files): a one-line HTML page
	controlErrors                  // the mock's own control path: {"error": "…"}
)

func (s errStyle) write(w http.ResponseWriter, r *http.Request, e *apiError) {
	switch s {
	case keystoneErrors:
		keystoneError(w, e.Status, e.Message)
	case raxErrors:
		raxError(w, e.Status, e.Message)
	case swiftErrors:
		swiftError(w, e.Status, e.Message)
	case controlErrors:
		writeJSON(w, e.Status, map[string]any{"error": e.Message})
	default:
		glanceError(w, r, e.Status, e.Message)
	}
}

// webobBody is webob's body template expanded with escape applied to the variable parts.
type webobBody func(escape func(string) string) string

// glanceError renders webob's default template: explanation, detail and comment.
func glanceError(w http.ResponseWriter, r *http.Request, status int, explanation string) {
	writeWebob(w, r, status, func(esc func(string) string) string {
		return esc(explanation) + "<br /><br />\n" + "\n" + "\n"
	})
}

// methodNotAllowed renders webob's HTTPMethodNotAllowed template with its Allow header.
func methodNotAllowed(w http.ResponseWriter, r *http.Request, allow string) {
	w.Header().Set("Allow", allow)
	writeWebob(w, r, http.StatusMethodNotAllowed, func(esc func(string) string) string {
		return "The method " + esc(r.Method) + " is not allowed for this resource. <br /><br />\n"
	})
}

// unsupportedMediaType renders webob's HTTPUnsupportedMediaType template.
func unsupportedMediaType(w http.ResponseWriter, r *http.Request, detail string) {
	writeWebob(w, r, http.StatusUnsupportedMediaType, func(esc func(string) string) string {
		return "The request media type " + esc(r.Header.Get("Content-Type")) +
			" is not supported by this server.\n<br /><br />\n" + esc(detail)
	})
}

func noEscape(s string) string { return s }

// writeWebob picks JSON, HTML or plain text the way webob's generate_response does.
func writeWebob(w http.ResponseWriter, r *http.Request, status int, body webobBody) {
	statusLine := strconv.Itoa(status) + " " + http.StatusText(status)
	title := http.StatusText(status)
	var ctype, out string
	format := webobFormat(r.Header.Values("Accept"))
	if jsonErrors(r) {
		format = "application/json"
	}
	switch format {
	case "application/json":
		writeJSON(w, status, map[string]any{"message": body(noEscape), "code": statusLine, "title": title})
		return
	case "text/html":
		ctype = "text/html; charset=UTF-8"
		out = "<html>\n <head>\n  <title>" + statusLine + "</title>\n </head>\n <body>\n  <h1>" +
			statusLine + "</h1>\n  " + body(html.EscapeString) + "\n </body>\n</html>"
	default:
		ctype = "text/plain; charset=UTF-8"
		out = statusLine + "\n\n" + stripTags(body(noEscape))
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	w.WriteHeader(status)
	_, _ = w.Write([]byte(out))
}

var (
	brRe      = regexp.MustCompile(`(?i)<br.*?>`)
	commentRe = regexp.MustCompile(`(?s)<!--.*?-->`)
	tagRe     = regexp.MustCompile(`<.*?>`)
)

// stripTags is webob's strip_tags, used for the text/plain rendering.
func stripTags(v string) string {
	v = strings.ReplaceAll(v, "\n", " ")
	v = strings.ReplaceAll(v, "\r", "")
	v = brRe.ReplaceAllString(v, "\n")
	v = commentRe.ReplaceAllString(v, "")
	return tagRe.ReplaceAllString(v, "")
}

// webobFormat negotiates between webob's offers (text/html first, then application/json);
// no Accept header or no acceptable offer means text/plain.
func webobFormat(accept []string) string {
	if len(accept) == 0 {
		return "text/plain"
	}
	best, bestQ := "", 0.0
	for _, offer := range []string{"text/html", "application/json"} {
		if q := acceptQuality(accept, offer); q > bestQ {
			best, bestQ = offer, q
		}
	}
	if best == "" {
		return "text/plain"
	}
	return best
}

// acceptQuality is the q of the most specific media range in accept that matches offer.
func acceptQuality(accept []string, offer string) float64 {
	otype, _, _ := strings.Cut(offer, "/")
	q, specificity := 0.0, -1
	for _, header := range accept {
		for _, part := range strings.Split(header, ",") {
			params := strings.Split(part, ";")
			rng := strings.ToLower(strings.TrimSpace(params[0]))
			spec := -1
			switch rng {
			case offer:
				spec = 2
			case otype + "/*":
				spec = 1
			case "*/*":
				spec = 0
			}
			if spec <= specificity {
				continue
			}
			rq := 1.0
			for _, p := range params[1:] {
				if k, v, ok := strings.Cut(strings.TrimSpace(p), "="); ok && k == "q" {
					if f, err := strconv.ParseFloat(v, 64); err == nil {
						rq = f
					}
				}
			}
			q, specificity = rq, spec
		}
	}
	return q
}

const unauthorizedMessage = "The request you have made requires authentication."

// keystoneError is the body Keystone and keystonemiddleware send.
func keystoneError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{
		"code": status, "title": http.StatusText(status), "message": msg,
	}})
}

// raxFaultNames are Rackspace Identity's fault keys by status.
var raxFaultNames = map[int]string{
	400: "badRequest", 401: "unauthorized", 403: "forbidden", 404: "itemNotFound",
	405: "badMethod", 409: "conflict", 413: "overLimit", 415: "badMediaType",
	429: "overLimit", 503: "serviceUnavailable",
}

func raxError(w http.ResponseWriter, status int, msg string) {
	name, ok := raxFaultNames[status]
	if !ok {
		name = "identityFault"
	}
	writeJSON(w, status, map[string]any{name: map[string]any{"code": status, "message": msg}})
}

// swiftError is the page Swift's proxy answers errors with.
func swiftError(w http.ResponseWriter, status int, msg string) {
	body := "<html><h1>" + http.StatusText(status) + "</h1><p>" + html.EscapeString(msg) + "</p></html>"
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// webobExplanations are webob's default explanations, used for injected faults.
var webobExplanations = map[int]string{
	400: "The server could not comply with the request since it is either malformed or otherwise incorrect.",
	401: "This server could not verify that you are authorized to access the document you requested. Either you supplied the wrong credentials (e.g., bad password), or your browser does not understand how to supply the credentials required.",
	403: "Access was denied to this resource.",
	404: "The resource could not be found.",
	409: "There was a conflict when trying to complete your request.",
	413: "The body of your request was too large for this server.",
	429: "The client has sent too many requests in a given amount of time.",
	500: "The server has either erred or is incapable of performing the requested operation.",
	502: "Bad gateway.",
	503: "The server is currently unavailable. Please try again at a later time.",
	504: "The gateway has timed out.",
}

func defaultExplanation(status int) string {
	if m, ok := webobExplanations[status]; ok {
		return m
	}
	return http.StatusText(status)
}
