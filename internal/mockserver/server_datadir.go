package mockserver

import (
	"fmt"
	"os"
	"path/filepath"
)

// openDataDir makes the data dir and its images/ and objects/: Options.DataDir, or a
// temporary directory Close removes.
func (s *Server) openDataDir() error {
	if s.opts.DataDir == "" {
		dir, err := os.MkdirTemp("", "cloudimages-mock-")
		if err != nil {
			return fmt.Errorf("mockserver: data dir: %w", err)
		}
		s.dataDir, s.ownDir = dir, true
	} else {
		// Absolute, so DataPath stays valid whatever the working directory becomes.
		dir, err := filepath.Abs(s.opts.DataDir)
		if err != nil {
			return fmt.Errorf("mockserver: data dir: %w", err)
		}
		s.dataDir = dir
	}
	for _, dir := range []string{s.imageDir(), s.objectDir()} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			s.removeDataDir()
			return fmt.Errorf("mockserver: data dir: %w", err)
		}
	}
	return nil
}

func (s *Server) imageDir() string { return filepath.Join(s.dataDir, "images") }

func (s *Server) removeDataDir() {
	if s.ownDir {
		_ = os.RemoveAll(s.dataDir)
	}
}

// DataDir is where data files live: images under "images/", objects under "objects/".
func (s *Server) DataDir() string { return s.dataDir }
