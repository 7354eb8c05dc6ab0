package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
)

// Entities that travel in exchange packages, in the order they are merged
// (a row's references come before it). Adding one changes the package
// format (exchange.FormatVersion).
var Entities = []string{"communities", "templates", "inspections", "answers", "corrective_actions", "liaisons", "picks", "assignments"}

// entityLabels are the Chinese names of the tables a person is told about:
// the travelling entities and what Verify and an export also report on.
var entityLabels = map[string]string{
	"communities": "小区", "templates": "检查模板", "inspections": "检查记录", "answers": "检查项答案",
	"corrective_actions": "整改事项", "liaisons": "联络员", "picks": "选树推荐", "assignments": "检查任务",
	"photos": "照片", "audit_log": "审计日志", "database": "数据库",
}

// EntityLabel is a table's Chinese name (检查记录 for inspections), or ""
// for a table people are not told about. The UI translates it with lang.L.
func EntityLabel(entity string) string { return entityLabels[entity] }

// ColumnKind is the SQLite storage class of a travelling column.
type ColumnKind int

// Column kinds. A Row holds string, int64, float64 or nil (Nullable only).
const (
	Text ColumnKind = iota
	Int
	Real
)

// Column is one travelling column of a record table.
type Column struct {
	Name     string
	Kind     ColumnKind
	Nullable bool
}

// bookkeeping columns every travelling table ends with.
var revisionColumns = []Column{{"version", Text, false}, {"base_version", Text, false},
	{"device_id", Text, false}, {"actor", Text, false}, {"updated_at", Text, false}}

// cols parses a column list: "name" is text, "name:i" integer, "name:r"
// real; a trailing "?" allows NULL.
func cols(spec string) []Column {
	var out []Column
	for _, f := range strings.Fields(spec) {
		var c Column
		f, c.Nullable = strings.CutSuffix(f, "?")
		name, kind, _ := strings.Cut(f, ":")
		c.Name = name
		switch kind {
		case "i":
			c.Kind = Int
		case "r":
			c.Kind = Real
		}
		out = append(out, c)
	}
	return append(out, revisionColumns...)
}

// travelling lists, per entity, the columns that travel: every column but
// the local ones (communities.initials is derived from the name here).
var travelling = map[string][]Column{
	"communities": cols(`id name district street community address property_company households:i type committee
		satisfaction:r? complaint_rate:r?`),
	"templates":   cols(`id template_id template_version:i name community_type body`),
	"inspections": cols(`id community_id template_id template_version:i inspectors started_at status finalized_at? signatures amends_id? amend_reason content_digest`),
	"answers":     cols(`id inspection_id item_code result value:r? choices text note photos`),
	"corrective_actions": cols(`id inspection_id community_id item_code problem responsible due_date status
		recheck_inspection_id recheck_result note`),
	"liaisons": cols(`id district unit department name title mobile office_phone email note deleted_at? deleted_by`),
	"picks": cols(`id level community_id district typical:i introduction picked_by picked_at withdrawn_at?
		withdrawn_by`),
	"assignments": cols(`id community_id inspector due_date template_id template_version:i note status assigned_by
		assigned_at cancelled_at? cancelled_by`),
}

// TravelColumns are the columns of entity that travel in packages, id
// first and the revision columns last.
func TravelColumns(entity string) []Column { return travelling[entity] }

func columnNames(entity string) []string {
	var names []string
	for _, c := range travelling[entity] {
		names = append(names, c.Name)
	}
	return names
}

func columnIndex(entity, name string) int {
	for i, c := range travelling[entity] {
		if c.Name == name {
			return i
		}
	}
	panic("store: no travelling column " + entity + "." + name)
}

// Row is one travelling record: its entity, its values in TravelColumns
// order, and its version vector.
type Row struct {
	Entity string
	Values []any
	Clock  Clock
	// Src is the row's rowid in the package's database it was read from
	// (0: not known); see copyChunk.
	Src int64
	// Audit is the row's line in an import-batch audit entry, rendered
	// ahead by DB.AuditLine (nil: rendered by the merge when needed).
	Audit []byte
}

// Get returns a column's value.
func (r Row) Get(name string) any { return r.Values[columnIndex(r.Entity, name)] }

// Str returns a text column's value ("" for NULL).
func (r Row) Str(name string) string {
	s, _ := r.Get(name).(string)
	return s
}

// ID is the row's primary key.
func (r Row) ID() string { return r.Str("id") }

// AnswerID is the id an answer has on every device: derived from its
// inspection and item code.
func AnswerID(inspectionID, itemCode string) string { return answerID(inspectionID, itemCode) }

// Version is the row's version.
func (r Row) Version() string { return r.Str("version") }

// NormalizeRow checks and converts scanned values to the column kinds:
// text → string, integer → int64, real → float64 (an integer is widened),
// NULL only where allowed.
func NormalizeRow(entity string, vals []any) ([]any, error) {
	spec := travelling[entity]
	if spec == nil {
		return nil, fmt.Errorf("未知的数据表 %s", entity)
	}
	if len(vals) != len(spec) {
		return nil, fmt.Errorf("数据表 %s 的列数不符", entity)
	}
	out := make([]any, len(vals))
	for i, c := range spec {
		v, err := normalizeValue(c, vals[i])
		if err != nil {
			return nil, fmt.Errorf("%s.%s：%w", entity, c.Name, err)
		}
		out[i] = v
	}
	return out, nil
}

func normalizeValue(c Column, v any) (any, error) {
	if v == nil {
		if c.Nullable {
			return nil, nil
		}
		return nil, fmt.Errorf("不能为空")
	}
	// A value already of its column's type is returned as it came (the
	// same interface value: no new allocation for each cell).
	switch c.Kind {
	case Text:
		switch s := v.(type) {
		case string:
			return v, nil
		case []byte:
			return string(s), nil
		}
	case Int:
		switch n := v.(type) {
		case int64:
			return v, nil
		case json.Number:
			return n.Int64()
		}
	case Real:
		switch n := v.(type) {
		case float64:
			if math.IsNaN(n) || math.IsInf(n, 0) {
				return nil, fmt.Errorf("不是有效数字")
			}
			return v, nil
		case int64:
			return float64(n), nil
		case json.Number:
			return n.Float64()
		}
	}
	return nil, fmt.Errorf("类型不符（%T）", v)
}

// RowJSON renders the row's values as canonical JSON: the travelling
// columns in order. Equal rows render equally wherever they were read.
func (r Row) JSON() string {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, c := range travelling[r.Entity] {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(c.Name)
		b.Write(k)
		b.WriteByte(':')
		v, _ := json.Marshal(r.Values[i])
		b.Write(v)
	}
	b.WriteByte('}')
	return b.String()
}

// rowFromJSON reads a row rendered by Row.JSON.
func rowFromJSON(entity, s string) (Row, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return Row{}, err
	}
	vals := make([]any, len(travelling[entity]))
	for i, c := range travelling[entity] {
		vals[i] = m[c.Name]
	}
	norm, err := NormalizeRow(entity, vals)
	return Row{Entity: entity, Values: norm}, err
}

// Clock is a version vector: for each device, the highest version of that
// device a row includes. A version made by a device includes every earlier
// version of the same row made by that device.
type Clock map[string]string

var deviceIDPattern = regexp.MustCompile(`^[0-9a-f]{16}$`)

// ValidVersion reports whether v is a well-formed version
// (WWWWWWWWWWWWW-CCCCC-DEVICE).
func ValidVersion(v string) bool {
	if len(v) != 13+1+5+1+16 {
		return false
	}
	_, _, ok := parseVersion(v)
	return ok && v[13] == '-' && v[19] == '-' && deviceIDPattern.MatchString(v[20:]) && allDigits(v[:13]) && allDigits(v[14:19])
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// VersionDevice is the device that made version v.
func VersionDevice(v string) string {
	if len(v) < 20 {
		return ""
	}
	return v[20:]
}

// MaxClockEntries bounds a version vector read from a package.
const MaxClockEntries = 1000

// ParseClock reads a version vector written by Clock.String and checks it.
func ParseClock(s string) (Clock, error) {
	// The usual vector, one device's version, without the JSON decoder:
	// {"DEVICE":"VERSION"} (no escapes can occur in either).
	if len(s) == 2+16+3+36+2 && s[:2] == `{"` && s[18:21] == `":"` && s[57:] == `"}` {
		if dev, v := s[2:18], s[21:57]; ValidVersion(v) && VersionDevice(v) == dev {
			return Clock{dev: v}, nil
		}
	}
	c := Clock{}
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		return nil, fmt.Errorf("版本向量无法解析：%w", err)
	}
	if len(c) > MaxClockEntries {
		return nil, fmt.Errorf("版本向量过长（%d 项）", len(c))
	}
	for dev, v := range c {
		if !ValidVersion(v) || VersionDevice(v) != dev {
			return nil, fmt.Errorf("版本向量中的版本 %q 不合法", v)
		}
	}
	return c, nil
}

// String renders the clock as JSON with sorted keys.
func (c Clock) String() string {
	if len(c) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(map[string]string(c))
	return string(b)
}

// With returns a copy of c that also includes version v.
func (c Clock) With(v string) Clock {
	out := make(Clock, len(c)+1)
	for k, x := range c {
		out[k] = x
	}
	if d := VersionDevice(v); d != "" && v > out[d] {
		out[d] = v
	}
	return out
}

// Join is the pointwise maximum of c and o.
func (c Clock) Join(o Clock) Clock {
	out := c.With("")
	for k, v := range o {
		if v > out[k] {
			out[k] = v
		}
	}
	return out
}

// Covers reports whether c includes everything o includes (o ≤ c).
func (c Clock) Covers(o Clock) bool {
	for k, v := range o {
		if c[k] < v {
			return false
		}
	}
	return true
}

// Max is the highest version in the clock.
func (c Clock) Max() string {
	var m string
	for _, v := range c {
		if v > m {
			m = v
		}
	}
	return m
}

// onlyOwn reports whether the clock holds nothing beyond version v itself,
// so it need not be stored.
// withOnlyOwn is c.With(v).onlyOwn(v) without building the clock.
func (c Clock) withOnlyOwn(v string) bool {
	switch len(c) {
	case 0:
		return true
	case 1:
		d := VersionDevice(v)
		x, ok := c[d]
		if d == "" {
			return ok && x == v
		}
		return ok && x <= v
	}
	return false
}

func (c Clock) onlyOwn(v string) bool {
	return len(c) == 0 || (len(c) == 1 && c[VersionDevice(v)] == v)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

// PlainStringList decodes s when it is a JSON array of strings written
// compactly with no escapes (["a","b"], or []: the choice and photo lists
// as the program writes them), as json.Unmarshal into a []string would;
// ok is false for anything else (decode it with encoding/json then).
func PlainStringList(s string) (list []string, ok bool) {
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' {
		return nil, false
	}
	body := s[1 : len(s)-1]
	if body == "" {
		return []string{}, true
	}
	n := strings.Count(body, `","`) + 1
	list = make([]string, 0, n)
	for body != "" {
		if len(body) < 2 || body[0] != '"' {
			return nil, false
		}
		end := strings.IndexByte(body[1:], '"') + 1
		if end == 0 {
			return nil, false
		}
		elem := body[1:end]
		if !plainJSONString(elem) {
			return nil, false
		}
		list = append(list, elem)
		body = body[end+1:]
		if body != "" {
			if body[0] != ',' || len(body) == 1 {
				return nil, false
			}
			body = body[1:]
		}
	}
	return list, true
}
