package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/google/uuid"
	"github.com/jiayuan-inspect/jiayuan/inspection"
)

const communityCols = `id, name, district, street, community, address, property_company, households, type, committee,
	satisfaction, complaint_rate, version, base_version, device_id, actor, updated_at`

type scanner interface{ Scan(dest ...any) error }

func scanCommunity(s scanner) (inspection.Community, error) {
	var c inspection.Community
	var sat, cr sql.NullFloat64
	var updated string
	err := s.Scan(&c.ID, &c.Name, &c.District, &c.Street, &c.Community, &c.Address, &c.PropertyCompany, &c.Households,
		&c.Type, &c.Committee, &sat, &cr, &c.Version, &c.BaseVersion, &c.DeviceID, &c.Actor, &updated)
	if sat.Valid {
		c.Satisfaction = &sat.Float64
	}
	if cr.Valid {
		c.ComplaintRate = &cr.Float64
	}
	c.UpdatedAt = parseTime(updated)
	return c, err
}

// Initials are the pinyin initials of a name, lower case, with Latin
// letters and digits kept: 怡乐花园 → "ylhy", "A区3号" → "aq3h". A Han
// character's initial is the first letter of its (first) pinyin as
// github.com/mozillazg/go-pinyin gives it, from a table generated from that
// library (initials_table.go), so the program does not carry the library.
func Initials(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(unicode.ToLower(r))
		case r >= hanInitials[0].first:
			if l := hanInitial(r); l != 0 {
				b.WriteByte(l)
			}
		}
	}
	return b.String()
}

//go:generate go run initials_gen.go

// hanInitial is the initial of a Han character, 0 if it has none.
func hanInitial(r rune) byte {
	for i := len(hanInitials) - 1; i >= 0; i-- {
		blk := &hanInitials[i]
		if r < blk.first {
			continue
		}
		if n := int(r - blk.first); n < len(blk.letters) && blk.letters[n] != '.' {
			return blk.letters[n]
		}
		return 0
	}
	return 0
}

func nullFloat(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// AddCommunity stores a new community and returns it with its id and
// revision filled in.
func (db *DB) AddCommunity(ctx context.Context, c inspection.Community) (inspection.Community, error) {
	if err := c.Validate(); err != nil {
		return c, err
	}
	if c.ID == "" {
		c.ID = uuid.Must(uuid.NewV7()).String()
	}
	err := db.inChange(ctx, func(ch *change) error {
		c.Revision = inspection.Revision{Version: ch.version, DeviceID: ch.device, Actor: ch.actor, UpdatedAt: ch.at}
		_, err := ch.tx.ExecContext(ctx, `INSERT INTO communities(`+communityCols+`, initials)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, c.Name, c.District, c.Street, c.Community, c.Address, c.PropertyCompany, c.Households, c.Type, c.Committee,
			nullFloat(c.Satisfaction), nullFloat(c.ComplaintRate), c.Version, "", c.DeviceID, c.Actor, formatTime(c.UpdatedAt),
			Initials(c.Name))
		if err != nil {
			return fmt.Errorf("无法保存小区「%s」：%w", c.Name, err)
		}
		return ch.audit(ctx, "communities", c.ID, actionCreate, "")
	})
	return c, err
}

// UpdateCommunity saves an edited community. The edit is based on the
// version stored now.
func (db *DB) UpdateCommunity(ctx context.Context, c inspection.Community) (inspection.Community, error) {
	if err := c.Validate(); err != nil {
		return c, err
	}
	err := db.inChange(ctx, func(ch *change) error {
		old, err := snapshot(ctx, ch.tx, "communities", c.ID)
		if err != nil {
			return err
		}
		if old == "" {
			return fmt.Errorf("小区 %s：%w", c.ID, inspection.ErrNotFound)
		}
		var base string
		if err := ch.tx.QueryRowContext(ctx, `SELECT version FROM communities WHERE id = ?`, c.ID).Scan(&base); err != nil {
			return err
		}
		c.Revision = inspection.Revision{Version: ch.version, BaseVersion: base, DeviceID: ch.device, Actor: ch.actor, UpdatedAt: ch.at}
		_, err = ch.tx.ExecContext(ctx, `UPDATE communities SET name = ?, district = ?, street = ?, community = ?, address = ?,
			property_company = ?, households = ?, type = ?, committee = ?, satisfaction = ?, complaint_rate = ?, initials = ?,
			version = ?, base_version = ?, device_id = ?, actor = ?, updated_at = ? WHERE id = ?`,
			c.Name, c.District, c.Street, c.Community, c.Address, c.PropertyCompany, c.Households, c.Type, c.Committee,
			nullFloat(c.Satisfaction), nullFloat(c.ComplaintRate), Initials(c.Name),
			c.Version, c.BaseVersion, c.DeviceID, c.Actor, formatTime(c.UpdatedAt), c.ID)
		if err != nil {
			return fmt.Errorf("无法保存小区「%s」：%w", c.Name, err)
		}
		return ch.audit(ctx, "communities", c.ID, actionUpdate, old)
	})
	return c, err
}

// Community reads one community.
func (db *DB) Community(ctx context.Context, id string) (inspection.Community, error) {
	c, err := scanCommunity(db.read.QueryRowContext(ctx, `SELECT `+communityCols+` FROM communities WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("小区 %s：%w", id, inspection.ErrNotFound)
	}
	return c, err
}

// CommunityFilter narrows ListCommunities. Query matches the name,
// address, street or community by substring, or the pinyin initials of
// the name by prefix or substring ("ylhy" finds 怡乐花园).
type CommunityFilter struct {
	District string
	Street   string
	Type     string
	Query    string
	Limit    int
	Offset   int
}

// ListCommunities lists communities ordered by district, street and name.
func (db *DB) ListCommunities(ctx context.Context, f CommunityFilter) ([]inspection.Community, error) {
	var where []string
	var args []any
	if f.District != "" {
		where, args = append(where, "district = ?"), append(args, f.District)
	}
	if f.Street != "" {
		where, args = append(where, "street = ?"), append(args, f.Street)
	}
	if f.Type != "" {
		where, args = append(where, "type = ?"), append(args, f.Type)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		like := "%" + escapeLike(q) + "%"
		where = append(where, `(name LIKE ? ESCAPE '\' OR address LIKE ? ESCAPE '\' OR street LIKE ? ESCAPE '\'
			OR community LIKE ? ESCAPE '\' OR initials LIKE ? ESCAPE '\')`)
		args = append(args, like, like, like, like, "%"+escapeLike(strings.ToLower(q))+"%")
	}
	query := `SELECT ` + communityCols + ` FROM communities`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY district, street, name, id"
	if f.Limit > 0 {
		query += " LIMIT " + itoa(f.Limit) + " OFFSET " + itoa(f.Offset)
	}
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []inspection.Community
	for rows.Next() {
		c, err := scanCommunity(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Districts lists the districts that have communities, in order.
func (db *DB) Districts(ctx context.Context) ([]string, error) {
	return db.strings(ctx, `SELECT DISTINCT district FROM communities ORDER BY district`)
}
