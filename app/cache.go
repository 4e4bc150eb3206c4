package app

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/log"

	"github.com/restmcp/restmcp/client"
	"github.com/restmcp/restmcp/internal/atomicfile"
	"github.com/restmcp/restmcp/profile"
	"github.com/restmcp/restmcp/server"
)

// Cache is the compiled description cache: for one description and the
// options that shape its tools, what serve answers initialize and
// tools/list with (the instructions, the encoded tools/list result) and
// the description as loaded, decoded only when a tool is first called. An
// entry that is corrupt, truncated, stale or of another build is ignored
// and written again; nothing in it is a key or a token.
type Cache struct {
	// Dir holds the entries, one file each.
	Dir string
	// Stamp identifies the build that writes and reads the entries (see
	// BuildStamp): an entry of another build is never read.
	Stamp string
	// MaxBytes bounds the entries' total size (default DefaultCacheBytes);
	// the least recently used go first.
	MaxBytes int64
	Log      *log.Logger
}

// DefaultCacheBytes bounds the cache's size unless Cache.MaxBytes says
// otherwise.
const DefaultCacheBytes = 256 << 20

// cacheMaxAge is how long an entry not used is kept.
const cacheMaxAge = 30 * 24 * time.Hour

// cacheMagic begins every entry: the format, changed when it changes (an
// entry of another format has another key, and is never read).
const cacheMagic = "restmcp compiled description 2\n"

// cacheExt names the entries' files.
const cacheExt = ".tools"

// BuildStamp identifies this build for the cache: its version and the
// executable's path, size and modification time, so that a rebuilt
// development binary never reads entries in an older format.
func BuildStamp(version string) string {
	stamp := version
	if exe, err := os.Executable(); err == nil {
		if st, err := os.Stat(exe); err == nil {
			stamp += fmt.Sprintf("|%s|%d|%d", exe, st.Size(), st.ModTime().UnixNano())
		}
	}
	return stamp
}

// cacheHeader is an entry's index: what initialize and tools/list need,
// what the entry was built from, and where its sections are.
type cacheHeader struct {
	Key     string `json:"key"`
	Profile string `json:"profile"`
	// Build is the SHA-256 of the writing build's stamp: latest reads the
	// entries of this build only (their data is this build's shape).
	Build string `json:"build"`
	// Source is where the description is, a URL without its user info
	// and query (which may hold a key); SourceSum, the SHA-256 of the
	// whole location, is what tells entries apart.
	Source    string    `json:"source"`
	SourceSum string    `json:"sourceSum"`
	Written   time.Time `json:"written"`
	// Digest is the description document's SHA-256; Files the local files
	// it was read from (the description and the files its $refs read),
	// each with its own.
	Digest     string            `json:"digest"`
	Files      []cacheFile       `json:"files,omitempty"`
	Validators client.Validators `json:"validators,omitzero"`
	// Location is where a URL description was read from, after
	// redirects, as client.API.Location shows it (no query): with Digest,
	// what tells a fetch that gives the same description before it is
	// decoded (held).
	Location string `json:"location,omitempty"`
	// Base is the description's default base URL.
	Base     string          `json:"base,omitempty"`
	Prepared server.Prepared `json:"prepared"`
	// List and API are the sections after the header: the tools/list
	// result and the description as loaded (client.API in JSON).
	List section `json:"list"`
	API  section `json:"api"`
}

// cacheFile is a local file an entry was built from. Size and MTime, when
// set, are the file's as its bytes were hashed: a file that still has them
// is not hashed again. They are left out for a file changed within
// racyWindow before the entry was written, whose next change might keep
// both. No Digest: the file could not be read or decoded when the entry
// was built; Size and MTime are its then (Size -1: it was absent).
type cacheFile struct {
	Path   string `json:"path"`
	Digest string `json:"digest"`
	Size   int64  `json:"size,omitempty"`
	MTime  int64  `json:"mtime,omitempty"`
}

// racyWindow is how old a file's modification time must be for its size
// and time to stand for its bytes.
const racyWindow = 2 * time.Second

// section is a byte range after the header, with its CRC-32C.
type section struct {
	Off, Len int64
	CRC      uint32
}

// castagnoli is made when a section is first checked or written, not at
// every start.
var castagnoli = sync.OnceValue(func() *crc32.Table { return crc32.MakeTable(crc32.Castagnoli) })

// cacheEntry is an entry opened for reading; its sections are read when
// first needed.
type cacheEntry struct {
	path string
	f    *os.File
	head cacheHeader
}

// key is the entry name for a profile: the build, the brand, the profile's
// name and every option it holds (tools, names, instructions and calls
// depend on them), and where the description is.
func (c *Cache) key(appName string, p profile.Profile) string {
	spec := specLocation(p.Spec)
	opts, _ := json.Marshal(p) // a profile holds no secret
	h := sha256.New()
	for _, part := range []string{cacheMagic, c.Stamp, appName, p.Name, spec, string(opts)} {
		fmt.Fprintf(h, "%d:%s\n", len(part), part)
	}
	return hex.EncodeToString(h.Sum(nil))[:40]
}

// sourceSum names a description's location without showing it.
func sourceSum(loc string) string {
	sum := sha256.Sum256([]byte(loc))
	return hex.EncodeToString(sum[:])
}

// specLocation is where a description is: its URL, or its file's
// absolute path.
func specLocation(spec string) string {
	if client.IsURL(spec) {
		return spec
	}
	if abs, err := filepath.Abs(client.LocalPath(spec)); err == nil {
		return abs
	}
	return spec
}

func (c *Cache) path(key string) string { return filepath.Join(c.Dir, key+cacheExt) }

// open reads the entry for key: its header, checked against the entry's
// size; each section is read, and checked, when it is needed. A missing
// entry is fs.ErrNotExist; any other error means the entry cannot be used.
func (c *Cache) open(key string) (*cacheEntry, error) {
	path := c.path(key)
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	e, err := readEntry(f, key)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	e.path = path
	return e, nil
}

func readEntry(f *os.File, key string) (*cacheEntry, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(f, 16<<10)
	magic, err := br.ReadString('\n')
	if err != nil || magic != cacheMagic {
		return nil, errors.New("not an entry of this format")
	}
	line, err := br.ReadBytes('\n')
	if err != nil {
		return nil, fmt.Errorf("truncated header: %w", err)
	}
	js, err := checkHeader(line)
	if err != nil {
		return nil, err
	}
	e := &cacheEntry{f: f}
	if err := json.Unmarshal(js, &e.head); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	h := &e.head
	if h.Key != key {
		return nil, errors.New("entry of another key")
	}
	body := int64(len(cacheMagic) + len(line))
	if h.List.Off != body || h.API.Off != h.List.Off+h.List.Len || st.Size() != h.API.Off+h.API.Len {
		return nil, fmt.Errorf("size %d does not match its sections (truncated?)", st.Size())
	}
	// The tools/list section is read (and checked) when it is first
	// needed: initialize is answered from the header alone.
	h.Prepared.ReadList = func() ([]byte, error) { return e.read(h.List) }
	return e, nil
}

// headerSum is the width of the header line's checksum, and the space
// after it.
const headerSum = 9

// headerSlack is the room left after a header's JSON (spaces), so that
// new validators and time fit in its place (keepValidators).
const headerSlack = 128

// headerLine is an entry's header line: the CRC-32C of the rest of the
// line in 8 lower-case hex digits, a space, the header's JSON padded with
// spaces to width, and a newline. A byte of the header changed on disk
// would otherwise go unseen when it leaves valid JSON (a tool's name, the
// instructions, the validators).
func headerLine(js []byte, width int) []byte {
	line := make([]byte, headerSum, headerSum+width+1)
	line = append(line, js...)
	for len(line) < headerSum+width {
		line = append(line, ' ')
	}
	copy(line, fmt.Appendf(nil, "%08x ", crc32.Checksum(line[headerSum:], castagnoli())))
	return append(line, '\n')
}

// checkHeader returns the JSON of a header line that matches its
// checksum.
func checkHeader(line []byte) ([]byte, error) {
	if len(line) < headerSum+1 || line[headerSum-1] != ' ' || line[len(line)-1] != '\n' {
		return nil, errors.New("header: no checksum")
	}
	js := line[headerSum : len(line)-1]
	// Compared as written: a digit of another case is a changed byte.
	if want := fmt.Appendf(nil, "%08x", crc32.Checksum(js, castagnoli())); !bytes.Equal(line[:headerSum-1], want) {
		return nil, errors.New("the header does not match its checksum")
	}
	return js, nil
}

// read returns a section, checked against its CRC.
func (e *cacheEntry) read(s section) ([]byte, error) {
	b := make([]byte, s.Len)
	if _, err := e.f.ReadAt(b, s.Off); err != nil {
		return nil, fmt.Errorf("reading a section: %w", err)
	}
	if crc32.Checksum(b, castagnoli()) != s.CRC {
		return nil, errors.New("a section does not match its checksum")
	}
	return b, nil
}

// sameBytes reports whether api was read from the bytes e was built from,
// and resolved against the same base URL, and, when the description
// resolves URLs against where it was read (a relative server of a path or
// an operation: api.Located), read from the same place: its tools and
// where their calls go are e's.
func (e *cacheEntry) sameBytes(api *client.API) bool {
	return api.Digest == e.head.Digest && api.BaseURL() == e.head.Base && (!api.Located || api.Location == e.head.Location)
}

// held is what client.Load is told of the description e was built from,
// for it to recognize an answer that gives it again before decoding it:
// e's tools are then current. Only a URL description's (a local one's
// files are checked by current); one whose $refs read a URL has no entry.
func (e *cacheEntry) held() client.Held {
	if !client.IsURL(e.head.Source) {
		return client.Held{}
	}
	return client.Held{Digest: e.head.Digest, Location: e.head.Location, Base: e.head.Base}
}

// headerWidth is the room for the header's JSON: what is between its
// checksum and the newline.
func (e *cacheEntry) headerWidth() int {
	return int(e.head.List.Off) - len(cacheMagic) - headerSum - 1
}

// api decodes the description kept in the entry.
func (e *cacheEntry) api() (*client.API, error) {
	b, err := e.read(e.head.API)
	if err != nil {
		return nil, err
	}
	var api client.API
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber() // float64 would round integers past 2^53
	if err := d.Decode(&api); err != nil {
		return nil, fmt.Errorf("%s: the description: %w", e.path, err)
	}
	api.SettleNumbers()
	// The header's validators and location are the latest:
	// keepValidators rewrites the header alone.
	api.Validators, api.Location = e.head.Validators, e.head.Location
	return &api, nil
}

func (e *cacheEntry) close() { e.f.Close() }

// current reports why a local description's entry is stale ("" when it
// is current): the description or a file its $refs read has other bytes.
func (e *cacheEntry) current() string {
	if !client.IsURL(e.head.Source) && len(e.head.Files) == 0 {
		return "no files recorded"
	}
	for _, f := range e.head.Files {
		if f.Digest == "" {
			// A file that could not be read or decoded: stale once it
			// appears, goes or changes.
			st, err := os.Stat(f.Path)
			if err != nil && f.Size == -1 || err == nil && st.Size() == f.Size && st.ModTime().UnixNano() == f.MTime {
				continue
			}
			return f.Path + " changed"
		}
		if f.MTime != 0 {
			if st, err := os.Stat(f.Path); err == nil && st.Size() == f.Size && st.ModTime().UnixNano() == f.MTime {
				continue
			}
		}
		if d, err := fileDigest(f.Path); err != nil || d != f.Digest {
			return f.Path + " changed"
		}
	}
	return ""
}

// recordFile hashes the local file path for an entry written at now;
// want, when set, is the digest its bytes had when they were read: a file
// changed since is an error (the entry would hold what the old bytes
// built under the new bytes' digest).
func recordFile(path, want string, now time.Time) (cacheFile, error) {
	before, err := os.Stat(path)
	if err != nil {
		return cacheFile{}, err
	}
	d, err := fileDigest(path)
	if err != nil {
		return cacheFile{}, err
	}
	if want != "" && d != want {
		return cacheFile{}, fmt.Errorf("%s changed while it was read", path)
	}
	f := cacheFile{Path: path, Digest: d}
	after, err := os.Stat(path)
	if err == nil && after.Size() == before.Size() && after.ModTime().Equal(before.ModTime()) &&
		after.ModTime().Before(now.Add(-racyWindow)) {
		f.Size, f.MTime = after.Size(), after.ModTime().UnixNano()
	}
	return f, nil
}

// fileDigest is the SHA-256 of a file's bytes, read through a small
// buffer (no copy of a large description in memory).
func fileDigest(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.CopyBuffer(h, f, make([]byte, 256<<10)); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// write stores an entry for key: prep (its List encoded) and api.
func (c *Cache) write(key string, p profile.Profile, prep *server.Prepared, api *client.API) error {
	loc := specLocation(p.Spec)
	shown := *api
	if client.IsURL(api.Source) {
		shown.Source = client.ShowURL(api.Source) // nothing in an entry is a key
	}
	apiJSON, err := json.Marshal(&shown)
	if err != nil {
		return err
	}
	h := cacheHeader{
		Key: key, Profile: p.Name, Build: sourceSum(c.Stamp), Source: loc, SourceSum: sourceSum(loc), Written: time.Now().UTC(),
		Digest: api.Digest, Validators: api.Validators, Location: api.Location, Base: api.BaseURL(), Prepared: *prep,
	}
	if client.IsURL(loc) {
		h.Source = client.ShowURL(loc)
	} else {
		f, err := recordFile(loc, api.Digest, h.Written)
		if err != nil {
			return err
		}
		h.Files = append(h.Files, f)
	}
	if api.RemoteRefs {
		return errors.New("not cached: a $ref of the description reads a URL, whose changes the cache cannot see")
	}
	for _, ref := range api.Files {
		if ref.Digest == "" {
			f := cacheFile{Path: ref.Path, Size: -1}
			if st, err := os.Stat(ref.Path); err == nil {
				f.Size, f.MTime = st.Size(), st.ModTime().UnixNano()
			}
			h.Files = append(h.Files, f)
			continue
		}
		f, err := recordFile(ref.Path, ref.Digest, h.Written)
		if err != nil {
			return err
		}
		h.Files = append(h.Files, f)
	}
	return c.store(key, &h, prep.List, apiJSON)
}

// store writes the entry for key: h, then its sections list and apiJSON.
func (c *Cache) store(key string, h *cacheHeader, list, apiJSON []byte) error {
	// The header's length depends on the offsets it holds: encode it with
	// its final offsets, which depend only on its own length.
	var js []byte
	for off := int64(0); ; {
		h.List = section{Off: off, Len: int64(len(list)), CRC: crc32.Checksum(list, castagnoli())}
		h.API = section{Off: off + h.List.Len, Len: int64(len(apiJSON)), CRC: crc32.Checksum(apiJSON, castagnoli())}
		var err error
		if js, err = json.Marshal(h); err != nil {
			return err
		}
		next := int64(len(cacheMagic) + headerSum + len(js) + headerSlack + 1)
		if next == off {
			break
		}
		off = next
	}
	var buf bytes.Buffer
	buf.Grow(int(h.API.Off + h.API.Len))
	buf.WriteString(cacheMagic)
	buf.Write(headerLine(js, len(js)+headerSlack))
	buf.Write(list)
	buf.Write(apiJSON)
	if err := atomicfile.Write(c.path(key), buf.Bytes(), 0o600); err != nil {
		return err
	}
	c.prune(key)
	return nil
}

// keepValidators records v and location in e's header: the validators
// of an answer that gave the very bytes e was built from (a redeploy, or
// replicas that each give their own ETag), for the next fetch to ask
// with, and where it was read from (a redirect elsewhere that resolved
// the description to the same base URL), for the next answer to be
// recognized before it is decoded. Nothing is built again: the header is
// rewritten in its place, the sections left as they are; only when the
// new header does not fit there is the entry written again, its sections
// copied.
func (c *Cache) keepValidators(e *cacheEntry, v client.Validators, location string) error {
	h := e.head
	h.Validators, h.Location, h.Written = v, location, time.Now().UTC()
	js, err := json.Marshal(&h)
	if err != nil {
		return err
	}
	if len(js) > e.headerWidth() {
		return c.copyEntry(e, &h)
	}
	f, err := os.OpenFile(e.path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	// Only the file e was read from: one renamed in its place since is
	// another writer's, whose sections this header does not describe. A
	// reader that meets the header half written refuses it (its checksum)
	// and builds the tools.
	if !sameFile(f, e.f) {
		return nil
	}
	_, err = f.WriteAt(headerLine(js, e.headerWidth()), int64(len(cacheMagic)))
	return err
}

// copyEntry writes e again under header h, its sections copied (and
// checked) as they are.
func (c *Cache) copyEntry(e *cacheEntry, h *cacheHeader) error {
	list, err := e.read(e.head.List)
	if err != nil {
		return err
	}
	apiJSON, err := e.read(e.head.API)
	if err != nil {
		return err
	}
	return c.store(h.Key, h, list, apiJSON)
}

// sameFile reports whether a and b are open on the same file.
func sameFile(a, b *os.File) bool {
	sa, err := a.Stat()
	if err != nil {
		return false
	}
	sb, err := b.Stat()
	return err == nil && os.SameFile(sa, sb)
}

// touch marks an entry used, for pruning.
func (c *Cache) touch(key string) {
	now := time.Now()
	_ = os.Chtimes(c.path(key), now, now)
}

// prune removes entries unused for cacheMaxAge, then the least recently
// used until the rest fit MaxBytes; keep stays.
func (c *Cache) prune(keep string) {
	limit := c.MaxBytes
	if limit <= 0 {
		limit = DefaultCacheBytes
	}
	dirents, err := os.ReadDir(c.Dir)
	if err != nil {
		return
	}
	type ent struct {
		name string
		size int64
		used time.Time
	}
	var ents []ent
	var total int64
	for _, d := range dirents {
		info, err := d.Info()
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		if tmp, ok := strings.CutPrefix(d.Name(), "."); ok {
			// A write cut short (the process killed) leaves its temporary
			// file: gone after an hour.
			if key, _, ok := strings.Cut(tmp, cacheExt+".tmp-"); ok && isEntryKey(key) && time.Since(info.ModTime()) > time.Hour {
				_ = os.Remove(filepath.Join(c.Dir, d.Name()))
			}
			continue
		}
		// Only entries: the folder may be one the user also keeps other
		// files in ($RESTMCP_CACHE_DIR).
		if key, ok := strings.CutSuffix(d.Name(), cacheExt); !ok || !isEntryKey(key) {
			continue
		}
		ents = append(ents, ent{d.Name(), info.Size(), info.ModTime()})
		total += info.Size()
	}
	slices.SortFunc(ents, func(a, b ent) int { return a.used.Compare(b.used) })
	for _, e := range ents {
		if e.name == keep+cacheExt {
			continue
		}
		if total <= limit && time.Since(e.used) < cacheMaxAge {
			break
		}
		if os.Remove(filepath.Join(c.Dir, e.name)) == nil {
			total -= e.size
			c.Log.Debug("removed a compiled description from the cache", "file", e.name)
		}
	}
}

// isEntryKey reports whether name is a key as Cache.key makes them: 40
// lower-case hex digits.
func isEntryKey(name string) bool {
	if len(name) != 40 {
		return false
	}
	for _, r := range name {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f') {
			return false
		}
	}
	return true
}

// latest returns the newest entry of profileName for source, whatever its
// options: the description last seen there, for starting offline.
func (c *Cache) latest(profileName, source string) (*cacheEntry, error) {
	dirents, err := os.ReadDir(c.Dir)
	if err != nil {
		return nil, err
	}
	var best *cacheEntry
	for _, d := range dirents {
		key, ok := strings.CutSuffix(d.Name(), cacheExt)
		if !ok || strings.HasPrefix(key, ".") {
			continue
		}
		e, err := c.open(key)
		if err != nil {
			continue
		}
		if e.head.Profile != profileName || e.head.SourceSum != sourceSum(source) || e.head.Build != sourceSum(c.Stamp) ||
			best != nil && !e.head.Written.After(best.head.Written) {
			e.close()
			continue
		}
		if best != nil {
			best.close()
		}
		best = e
	}
	if best == nil {
		return nil, os.ErrNotExist
	}
	return best, nil
}
