package mockserver

// IssuedTokens returns the tokens the server still knows: every token it
// issued that has not expired or been revoked (ExpireTokens). Tests use it to
// prove that none reached a log.
func (s *Server) IssuedTokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.tokens))
	for id := range s.tokens {
		out = append(out, id)
	}
	return out
}
