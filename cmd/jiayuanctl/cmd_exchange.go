package main

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jiayuan-inspect/jiayuan/exchange"
	"github.com/jiayuan-inspect/jiayuan/store"
)

// The exchange commands: export, import, inspect-package, conflicts,
// trust, exchange-key (docs/EXCHANGE.md).

// withExchangeCommands adds the exchange commands before "help".
func withExchangeCommands(cmds []command) []command {
	ex := []command{
		{"export", "--db 文件 --out 数据包" + exchange.Extension + " [--since-last 单位] [--full] [--to 加密公钥] [--content all|reference]",
			"导出数据交换包（签名；可加密给收件单位）",
			"  --db 文件           数据文件\n  --out 数据包        输出文件（扩展名 " + exchange.Extension + "）\n" +
				"  --since-last 单位   只导出上次导出给该单位以来的变化（第一次为全部），并记录本次导出\n" +
				"  --full              与 --since-last 同用：仍导出全部，并记录\n" +
				"  --to 加密公钥       用收件单位的公钥（age1 开头，见 exchange-key）加密\n" +
				"  --content 内容      all：全部记录（默认）；reference：只含小区和检查模板（下发给检查员）",
			(*cli).cmdExport},
		{"import", "--db 文件 数据包... [--json]", "导入一个或多个数据交换包（逐个校验，每个全部导入或全部不导入）",
			"  --db 文件   数据文件（导入前在其旁边的 backups 文件夹中备份）\n  --json      以 JSON 数组输出每个文件的结果：file、status（merged|duplicate|held|refused）、\n" +
				"              new、updated、duplicate、conflicts、photos、signer、signer_id、fingerprint、package_id、message\n" +
				"  全部导入（或已导入过）时退出码为 0；任何一个被拒绝或暂缓（签名设备未登记）时为 1",
			(*cli).cmdImport},
		{"inspect-package", "数据包 [--db 文件] [--json]", "查看数据交换包：内容、签名设备、是否有效（不导入）",
			"  --db 文件   可选：用其解密、显示签名设备是否受信，并核对引用的本机记录\n  --json      以 JSON 输出\n  数据包有效时退出码为 0，无效时为 1",
			(*cli).cmdInspectPackage},
		{"conflicts", "--db 文件 [--all] [--json] [--resolve 编号 --keep current|other]", "列出或处理导入时发现的冲突",
			"  --db 文件          数据文件\n  --all              也列出已处理的冲突\n  --json             以 JSON 输出\n" +
				"  --resolve 编号     处理一条冲突（编号可只写开头）\n" +
				"  --keep 选择        current（或 local）：保留当前版本；other（或 incoming）：改用冲突中的另一版本\n" +
				"                     已签字定稿的检查记录只能保留当前版本（更正请新建更正记录）",
			(*cli).cmdConflicts},
		{"trust", "--db 文件 (--key 公钥 | --package 数据包 | --revoke 设备编号 | --list) [--name 名称]",
			"登记受信设备（其数据包才会导入）、吊销，或列出受信设备",
			"  --key 公钥         按设备公钥登记（base64 或十六进制，见对方的 exchange-key）\n" +
				"  --package 数据包   登记该数据包的签名设备（先显示其指纹，请与对方核对）\n" +
				"  --name 名称        设备名称（默认为数据包中的名称）\n  --revoke 编号      吊销一台设备：此后其数据包一律拒绝\n  --list             列出受信设备",
			(*cli).cmdTrust},
		{"exchange-key", "--db 文件", "显示本机设备公钥和指纹，以及本单位的加密公钥（首次使用时生成）",
			"  --db 文件   数据文件\n  设备公钥交给收件单位登记（trust --key）；加密公钥交给检查员导出时使用（export --to）",
			(*cli).cmdExchangeKey},
	}
	n := len(cmds)
	if n > 0 && cmds[n-1].name == "help" {
		return append(append(cmds[:n-1:n-1], ex...), cmds[n-1])
	}
	return append(cmds, ex...)
}

func (c *cli) cmdExport(args []string) error {
	fs := newFlags("export")
	path := fs.String("db", "", "")
	out := fs.String("out", "", "")
	office := fs.String("since-last", "", "")
	full := fs.Bool("full", false, "")
	to := fs.String("to", "", "")
	content := fs.String("content", "all", "")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := noPositional(rest); err != nil {
		return err
	}
	if strings.TrimSpace(*out) == "" {
		return misuse("缺少 --out：请指定输出的数据包文件")
	}
	if *full && *office == "" {
		return misuse("--full 须与 --since-last 同用（不带 --since-last 时本来就导出全部）")
	}
	db, err := c.openExisting(*path)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := exchange.Export(c.ctx, db, *out, exchange.ExportOptions{Office: strings.TrimSpace(*office), Full: *full,
		Content: store.ExportContent(*content), Recipient: *to})
	if err != nil {
		return err
	}
	kind := "全部"
	if res.Incremental {
		kind = "增量（自上次导出给「" + *office + "」以来）"
	}
	fmt.Fprintf(c.stdout, "已导出数据包：%s（%s，%d 字节", res.Path, kind, res.Size)
	if res.Encrypted {
		fmt.Fprint(c.stdout, "，已加密")
	}
	fmt.Fprintf(c.stdout, "）\n%s\n数据包编号：%s\n", describeCounts(res.Counts), res.PackageID)
	return nil
}

func describeCounts(counts map[string]int) string {
	var parts []string
	for _, e := range append(append([]string{}, store.Entities...), "photos") {
		parts = append(parts, fmt.Sprintf("%s %d", store.EntityLabel(e), counts[e]))
	}
	return strings.Join(parts, "，")
}

func (c *cli) cmdImport(args []string) error {
	fs := newFlags("import")
	path := fs.String("db", "", "")
	asJSON := fs.Bool("json", false, "")
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return misuse("请给出要导入的数据包文件")
	}
	db, err := c.openExisting(*path)
	if err != nil {
		return err
	}
	defer db.Close()
	results := exchange.Import(c.ctx, db, files, exchange.ImportOptions{})
	ok := true
	for _, r := range results {
		if r.Status == exchange.StatusRefused || r.Status == exchange.StatusHeld {
			ok = false
		}
		if !*asJSON {
			w := c.stdout
			if r.Status == exchange.StatusRefused || r.Status == exchange.StatusHeld {
				w = c.stderr
			}
			fmt.Fprintln(w, r.Message)
		}
	}
	if *asJSON {
		if err := writeJSON(c.stdout, results); err != nil {
			return err
		}
	}
	if !ok {
		return failed{}
	}
	return nil
}

func (c *cli) cmdInspectPackage(args []string) error {
	fs := newFlags("inspect-package")
	path := fs.String("db", "", "")
	asJSON := fs.Bool("json", false, "")
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return misuse("请给出一个数据包文件")
	}
	var db *store.DB
	if *path != "" {
		if db, err = c.openExisting(*path); err != nil {
			return err
		}
		defer db.Close()
	}
	info := exchange.Inspect(c.ctx, db, files[0], exchange.Limits{})
	if *asJSON {
		if err := writeJSON(c.stdout, info); err != nil {
			return err
		}
	} else {
		c.printPackageInfo(info)
	}
	if !info.Valid {
		return failed{}
	}
	return nil
}

func (c *cli) printPackageInfo(info exchange.PackageInfo) {
	w := c.stdout
	fmt.Fprintf(w, "数据包：%s（%d 字节）\n", info.File, info.Size)
	if info.PackageID != "" {
		fmt.Fprintf(w, "编号：%s\n格式版本：%d\n生成时间：%s\n", info.PackageID, info.Format, info.CreatedAt.Format("2006-01-02 15:04:05"))
		fmt.Fprintf(w, "签名设备：%s（编号 %s）\n设备指纹：%s\n", info.SignerName, info.SignerID, info.Fingerprint)
		if info.Trust != "" {
			fmt.Fprintf(w, "本机对该设备：%s\n", info.Trust)
		}
		kind := "全部"
		if info.Incremental {
			kind = "增量"
		}
		fmt.Fprintf(w, "内容：%s（%s", info.Content, kind)
		if info.Office != "" {
			fmt.Fprintf(w, "，导出给「%s」", info.Office)
		}
		fmt.Fprint(w, "）")
		if info.Encrypted {
			fmt.Fprint(w, "，已加密")
		}
		fmt.Fprintln(w)
	}
	if info.Counts != nil {
		fmt.Fprintln(w, describeCounts(info.Counts))
	}
	if info.Valid {
		fmt.Fprint(w, "校验：有效（签名、结构、每条记录均通过）")
		if info.Unchecked > 0 {
			fmt.Fprintf(w, "；%d 条记录引用了数据包外的记录，未指定 --db，未核对", info.Unchecked)
		}
		fmt.Fprintln(w)
		return
	}
	fmt.Fprintf(c.stderr, "校验：无效——%s\n", info.Problem)
}

type conflictJSON struct {
	ID             string  `json:"id"`
	Entity         string  `json:"entity"`
	EntityID       string  `json:"entity_id"`
	Version        string  `json:"version"`
	Row            any     `json:"row"`
	CurrentVersion string  `json:"current_version"`
	Current        any     `json:"current"`
	DetectedAt     string  `json:"detected_at"`
	PackageID      string  `json:"package_id"`
	ResolvedAt     *string `json:"resolved_at"`
	Resolution     string  `json:"resolution"`
	ResolvedBy     string  `json:"resolved_by"`
}

func (c *cli) cmdConflicts(args []string) error {
	fs := newFlags("conflicts")
	path := fs.String("db", "", "")
	all := fs.Bool("all", false, "")
	asJSON := fs.Bool("json", false, "")
	resolve := fs.String("resolve", "", "")
	keep := fs.String("keep", "", "")
	db, err := c.openFlags(fs, args, path)
	if err != nil {
		return err
	}
	defer db.Close()
	if *resolve != "" {
		return c.resolveConflict(db, *resolve, *keep)
	}
	if *keep != "" {
		return misuse("--keep 须与 --resolve 同用")
	}
	list, err := db.Conflicts(c.ctx, !*all)
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]conflictJSON, 0, len(list))
		for _, x := range list {
			j := conflictJSON{ID: x.ID, Entity: x.Entity, EntityID: x.EntityID, Version: x.Version, Row: rawJSON(x.Row),
				CurrentVersion: x.CurrentVersion, Current: rawJSON(x.Current), DetectedAt: x.DetectedAt.Format("2006-01-02T15:04:05Z07:00"),
				PackageID: x.PackageID, Resolution: x.Resolution, ResolvedBy: x.ResolvedBy}
			if x.ResolvedAt != nil {
				s := x.ResolvedAt.Format("2006-01-02T15:04:05Z07:00")
				j.ResolvedAt = &s
			}
			out = append(out, j)
		}
		return writeJSON(c.stdout, out)
	}
	if len(list) == 0 {
		fmt.Fprintln(c.stdout, "没有待处理的冲突")
		return nil
	}
	for _, x := range list {
		state := "待处理"
		if x.ResolvedAt != nil {
			state = fmt.Sprintf("已处理（%s，%s，%s）", x.Resolution, x.ResolvedBy, x.ResolvedAt.Format("2006-01-02 15:04"))
		}
		fmt.Fprintf(c.stdout, "%s  %s %s  %s\n  当前版本 %s：%s\n  另一版本 %s：%s\n", x.ID, store.EntityLabel(x.Entity), x.EntityID, state,
			x.CurrentVersion, x.Current, x.Version, x.Row)
	}
	fmt.Fprintln(c.stdout, "处理：jiayuanctl conflicts --db 文件 --resolve 编号 --keep current|other")
	return nil
}

func rawJSON(s string) any {
	if s == "" {
		return nil
	}
	return json.RawMessage(s)
}

func (c *cli) resolveConflict(db *store.DB, prefix, keep string) error {
	var k store.Keep
	switch keep {
	case "current", "local":
		k = store.KeepCurrent
	case "other", "incoming":
		k = store.KeepOther
	default:
		return misuse("--keep 应为 current（保留当前版本）或 other（改用另一版本）")
	}
	list, err := db.Conflicts(c.ctx, true)
	if err != nil {
		return err
	}
	var match []store.Conflict
	for _, x := range list {
		if strings.HasPrefix(x.ID, prefix) {
			match = append(match, x)
		}
	}
	switch len(match) {
	case 0:
		return fmt.Errorf("没有编号以「%s」开头的待处理冲突", prefix)
	case 1:
	default:
		return fmt.Errorf("有 %d 条冲突的编号以「%s」开头，请多写几位", len(match), prefix)
	}
	if err := db.ResolveConflict(c.ctx, match[0].ID, k); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "已处理冲突 %s（%s %s）：%s\n", match[0].ID, store.EntityLabel(match[0].Entity), match[0].EntityID,
		map[store.Keep]string{store.KeepCurrent: "保留当前版本", store.KeepOther: "改用另一版本"}[k])
	return nil
}

func (c *cli) cmdTrust(args []string) error {
	fs := newFlags("trust")
	path := fs.String("db", "", "")
	key := fs.String("key", "", "")
	pkg := fs.String("package", "", "")
	name := fs.String("name", "", "")
	revoke := fs.String("revoke", "", "")
	list := fs.Bool("list", false, "")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := noPositional(rest); err != nil {
		return err
	}
	chosen := 0
	for _, set := range []bool{*key != "", *pkg != "", *revoke != "", *list} {
		if set {
			chosen++
		}
	}
	if chosen != 1 {
		return misuse("请给出 --key、--package、--revoke 或 --list 中的一个")
	}
	db, err := c.openExisting(*path)
	if err != nil {
		return err
	}
	defer db.Close()
	switch {
	case *list:
		return c.listTrusted(db)
	case *revoke != "":
		if err := db.RevokeDevice(c.ctx, *revoke); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "已吊销设备 %s：此后其数据包一律拒绝导入\n", *revoke)
		return nil
	case *pkg != "":
		s, err := exchange.ReadSigner(c.ctx, db, *pkg, exchange.Limits{})
		if err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "数据包 %s 的签名设备：%s（编号 %s）\n设备指纹：%s\n请与对方设备上显示的指纹核对。\n", *pkg, s.Name, s.ID, s.Fingerprint)
		if s.Trust == store.TrustOwn || s.Trust == store.Trusted {
			fmt.Fprintf(c.stdout, "该设备已是%s，无需登记\n", s.Trust)
			return nil
		}
		if *name == "" {
			*name = s.Name
		}
		return c.enrol(db, s.PublicKey, *name)
	default:
		pub, err := parsePublicKey(*key)
		if err != nil {
			return err
		}
		return c.enrol(db, pub, *name)
	}
}

func (c *cli) enrol(db *store.DB, pub ed25519.PublicKey, name string) error {
	d, err := db.TrustDevice(c.ctx, pub, name)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "已登记受信设备：%s（编号 %s，指纹 %s）\n", d.Name, d.ID, d.Fingerprint)
	return nil
}

func parsePublicKey(s string) (ed25519.PublicKey, error) {
	s = strings.TrimSpace(s)
	if b, err := hex.DecodeString(s); err == nil && len(b) == ed25519.PublicKeySize {
		return b, nil
	}
	if b, err := base64.StdEncoding.DecodeString(s); err == nil && len(b) == ed25519.PublicKeySize {
		return b, nil
	}
	return nil, misuse("设备公钥「%s」无法识别（应为 exchange-key 显示的 base64 或 64 位十六进制）", s)
}

func (c *cli) listTrusted(db *store.DB) error {
	list, err := db.TrustedDevices(c.ctx)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintln(c.stdout, "尚未登记受信设备")
		return nil
	}
	for _, d := range list {
		state := "受信"
		if d.RevokedAt != nil {
			state = "已吊销（" + d.RevokedAt.Format("2006-01-02 15:04") + "）"
		}
		fmt.Fprintf(c.stdout, "%s  %s  指纹 %s  %s  登记于 %s\n", d.ID, d.Name, d.Fingerprint, state, d.EnrolledAt.Format("2006-01-02 15:04"))
	}
	return nil
}

func (c *cli) cmdExchangeKey(args []string) error {
	fs := newFlags("exchange-key")
	path := fs.String("db", "", "")
	db, err := c.openFlags(fs, args, path)
	if err != nil {
		return err
	}
	defer db.Close()
	dev := db.Device()
	recipient, err := exchange.OfficeRecipient(c.ctx, db)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "本机设备：%s（编号 %s）\n设备公钥：%s\n设备指纹：%s\n本单位加密公钥：%s\n",
		dev.Name, dev.ID, base64.StdEncoding.EncodeToString(dev.PublicKey), store.Fingerprint(dev.PublicKey), recipient)
	return nil
}
