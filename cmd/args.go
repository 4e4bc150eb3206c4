package cmd

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/restmcp/restmcp/install"
)

// Command-line errors never repeat what was typed where it does not
// belong: a key pasted as an argument, or after a flag that takes no value,
// would otherwise end up on the screen and in terminal logs.

// noArgs refuses arguments without showing them; hint, when set, follows
// the refusal.
func noArgs(hint string) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) == 0 {
			return nil
		}
		return FlagErrorf("%s takes no arguments%s\nSee '%s --help'.", c.Name(), hint, c.CommandPath())
	}
}

// loginNoArgsHint says where the key goes instead of the command line.
func loginNoArgsHint(f *Factory) string {
	return fmt.Sprintf(" (a key is never given on the command line: pipe it to `%s login --with-key`, or type it when asked)", f.Brand.Name)
}

// oneArg accepts exactly one argument: missing, it says what to give
// (what); several, it refuses them without showing them, and says what
// goes where instead (more, when set).
func oneArg(what, more string) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		switch {
		case len(args) == 1:
			return nil
		case len(args) == 0:
			return FlagErrorf("%s\nSee '%s --help'.", what, c.CommandPath())
		default:
			return FlagErrorf("%s takes one argument, got %d%s\nSee '%s --help'.", c.Name(), len(args), more, c.CommandPath())
		}
	}
}

// redactFlagError is err, a flag parsing error, without the value or
// argument the user typed.
func redactFlagError(f *Factory, err error) error {
	var inv *pflag.InvalidValueError
	var missing *pflag.NotExistError
	var syntax *pflag.InvalidSyntaxError
	switch {
	case errors.As(err, &inv):
		fl := inv.GetFlag()
		if fl.Value.Type() == "bool" {
			msg := fmt.Sprintf("--%s takes no value (the value given is not shown)", fl.Name)
			if fl.Name == "with-key" {
				msg += fmt.Sprintf(": it reads the key from standard input, e.g. `echo \"$KEY\" | %s login --with-key`", f.Brand.Name)
			}
			return errors.New(msg)
		}
		if fl.Value.Type() == "duration" {
			// A number with a short word ("5", "30sec") cannot be a key:
			// it is shown. Anything else may be a key pasted there.
			shown := "(not shown)"
			if durationTypo().MatchString(inv.GetValue()) {
				shown = strconv.Quote(inv.GetValue())
			}
			return fmt.Errorf("invalid value %s for --%s: give a duration, a number with a unit, e.g. 30s, 2m or 1m30s", shown, fl.Name)
		}
		cause := "not a valid " + fl.Value.Type()
		if c := errors.Unwrap(inv); c != nil {
			cause = hideValue(c.Error(), inv.GetValue())
		}
		return fmt.Errorf("invalid value for --%s (not shown): %s", fl.Name, cause)
	case errors.As(err, &missing) && missing.GetSpecifiedShortnames() != "":
		return fmt.Errorf("unknown shorthand flag %q (in an argument not shown)", missing.GetSpecifiedName()[:1])
	case errors.As(err, &syntax):
		return errors.New("bad flag syntax (the argument is not shown)")
	}
	return err
}

// durationTypo matches what a mistyped duration looks like: a number,
// perhaps with a short word after it.
var durationTypo = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[+-]?[0-9][0-9.]{0,7}[A-Za-zµ ]{0,6}$`) })

// hideValue is msg with v, as quoted or as typed, replaced by "…".
func hideValue(msg, v string) string {
	if v == "" {
		return msg
	}
	msg = strings.ReplaceAll(msg, strconv.Quote(v), `"…"`)
	if len(v) >= 4 {
		msg = strings.ReplaceAll(msg, v, "…")
	}
	return msg
}

// clientArgHint asks for the client of install or uninstall (verb),
// listing them.
func clientArgHint(verb string, f *Factory) string {
	return fmt.Sprintf("name the MCP client: `%s %s CLIENT`, one of %s", f.Brand.Name, verb, strings.Join(install.IDs(), ", "))
}

// unknownCommand refuses a first argument that names no command. The word
// is repeated only when it is close to a command ("sevre": did you mean
// serve?): anything else may be a key pasted in the wrong place.
func unknownCommand(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if s := c.SuggestionsFor(args[0]); len(s) > 0 {
		return FlagErrorf("unknown command %q for %q\n\nDid you mean this?\n\t%s\n\nSee '%s --help'.", args[0], c.CommandPath(), strings.Join(s, "\n\t"), c.CommandPath())
	}
	return FlagErrorf("unknown command (not shown: a key is never given on the command line) for %q: the commands are %s\nSee '%s --help'.",
		c.CommandPath(), strings.Join(commandNames(c), ", "), c.CommandPath())
}

// commandNames are the commands users run under c.
func commandNames(c *cobra.Command) []string {
	var names []string
	for _, sub := range c.Commands() {
		if sub.IsAvailableCommand() {
			names = append(names, sub.Name())
		}
	}
	return names
}

// flagTookAFlag is the error for a flag that took the flag after it as its
// value ("serve --http --profile acme": --http took "--profile", and
// "acme" is left as an argument), else nil. Only the flag's name is shown.
func flagTookAFlag(c *cobra.Command) error {
	var err error
	c.Flags().Visit(func(fl *pflag.Flag) {
		if err != nil || fl.NoOptDefVal != "" {
			return // a switch takes no value
		}
		values := []string{fl.Value.String()}
		if sv, ok := fl.Value.(pflag.SliceValue); ok {
			values = sv.GetSlice()
		}
		for _, v := range values {
			var next *pflag.Flag
			switch {
			case strings.HasPrefix(v, "--"):
				name, _, _ := strings.Cut(v[2:], "=")
				next = c.Flags().Lookup(name)
			case len(v) == 2 && v[0] == '-':
				next = c.Flags().ShorthandLookup(v[1:])
			}
			if next != nil {
				what, _ := pflag.UnquoteUsage(fl)
				if what != strings.ToUpper(what) {
					what = "VALUE"
				}
				err = FlagErrorf("--%s needs a value, and took the flag after it, --%s: give --%s %s\nSee '%s --help'.",
					fl.Name, next.Name, fl.Name, what, c.CommandPath())
				return
			}
		}
	})
	return err
}

// checkFlagValues makes every command under root refuse a flag that took
// the flag after it as its value, before its own check of arguments.
func checkFlagValues(root *cobra.Command) {
	for _, c := range append([]*cobra.Command{root}, root.Commands()...) {
		args := c.Args
		c.Args = func(c *cobra.Command, a []string) error {
			if err := flagTookAFlag(c); err != nil {
				return err
			}
			if args == nil {
				return nil
			}
			return args(c, a)
		}
	}
}
