// Package reliability holds the soak (TestSoak_short, and TestSoak behind make soak) and
// the interruption table: real terraform against the mock under seeded random faults,
// counting from the mock's own state and terraform's state what a user would have to
// clean up by hand: orphans, duplicates, objects in two states, work done twice, and
// what destroy leaves. The code is all in the tests; RELIABILITY.md has the numbers.
package reliability
