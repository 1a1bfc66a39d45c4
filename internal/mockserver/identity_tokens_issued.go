package mockserver

// IssuedTokens returns the tokens the server still knows: every token it
// issued that has not expired or been revoked (ExpireTokens). Tests use it to
// prove that none reached a log.
func (s *Server) IssuedTokens() []string { return s.identity.tokenIDs() }
