package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"strings"

	"github.com/jiayuan-inspect/jiayuan/store"
)

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1
	exitMisuse  = 2
)

// cli is one run of the tool: where it writes, and the commands.
type cli struct {
	ctx            context.Context
	stdout, stderr io.Writer
}

func newCLI(stdout, stderr io.Writer) *cli {
	return &cli{ctx: context.Background(), stdout: stdout, stderr: stderr}
}

// command is one of the tool's commands.
type command struct {
	name    string
	args    string // the synopsis after the name
	summary string
	details string // the flags, one per line
	run     func(c *cli, args []string) error
}

func commands() []command {
	return withAssignCommands(withRestoreCommand(withGenCommand(withExchangeCommands(withReportCommands(withBeforeHelp([]command{
		{"init", "--db 文件 [--name 本机名称]", "新建数据文件，安装默认检查模板，显示本机编号和密钥指纹",
			"  --db 文件       数据文件（不存在时新建）\n  --name 名称     本机名称（首次创建密钥时记录，默认为计算机名）",
			(*cli).cmdInit},
		{"demo", "--db 文件 [--seed N] [--communities N]", "新建数据文件并写入一个城市的演示数据（只用于演示和测试）",
			"  --db 文件          数据文件（必须是新的或空的）\n  --seed N           随机种子，相同的种子得到相同的数据（默认 1）\n  --communities N    小区数量（默认 120）",
			(*cli).cmdDemo},
		{"list", "communities|inspections --db 文件 [选项]", "列出小区或检查记录",
			"  communities      列出小区；选项 --district 县（市）区、--query 名称/地址/拼音首字母\n" +
				"  inspections      列出检查记录；选项 --district 县（市）区、--status draft|finalized\n" +
				"  --db 文件        数据文件\n  --json           以 JSON 数组输出（字段名为 snake_case）",
			(*cli).cmdList},
		{"show", "--db 文件 --inspection 编号 [--json]", "显示一份检查记录的全部内容：各项结果、得分、一票否决、签字和内容摘要",
			"  --db 文件          数据文件\n  --inspection 编号  检查记录编号（可只写开头，只要不与其他记录重复）\n  --json             以 JSON 输出",
			(*cli).cmdShow},
		{"verify", "--db 文件 [--json]", "校验数据文件：数据库完整性、审计日志哈希链、每条记录与审计日志是否一致、照片摘要",
			"  --db 文件   数据文件\n  --json      以 JSON 输出校验结果\n  校验通过时退出码为 0，发现问题时为 1",
			(*cli).cmdVerify},
		{"help", "[命令]", "显示帮助", "", nil},
	}, officeCommands()...))))))
}

func findCommand(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

func (c *cli) usage(w io.Writer) {
	fmt.Fprint(w, "jiayuanctl —— 家园巡检命令行工具（离线批处理）\n\n用法：\n")
	for _, cmd := range commands() {
		fmt.Fprintf(w, "  jiayuanctl %s %s\n      %s\n", cmd.name, cmd.args, cmd.summary)
	}
	fmt.Fprint(w, "\n运行 jiayuanctl help 命令名 查看某个命令的参数。\n退出码：0 成功，1 失败，2 用法错误。\n")
}

func (c *cli) commandUsage(w io.Writer, cmd command) {
	fmt.Fprintf(w, "用法：jiayuanctl %s %s\n  %s\n", cmd.name, cmd.args, cmd.summary)
	if cmd.details != "" {
		fmt.Fprintf(w, "\n参数：\n%s\n", cmd.details)
	}
}

func (c *cli) run(args []string) int {
	if len(args) == 0 {
		c.usage(c.stderr)
		return exitMisuse
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			cmd, ok := findCommand(args[1])
			if !ok || cmd.run == nil {
				fmt.Fprintf(c.stderr, "jiayuanctl：没有「%s」这个命令\n\n", args[1])
				c.usage(c.stderr)
				return exitMisuse
			}
			c.commandUsage(c.stdout, cmd)
			return exitOK
		}
		c.usage(c.stdout)
		return exitOK
	}
	cmd, ok := findCommand(name)
	if !ok || cmd.run == nil {
		fmt.Fprintf(c.stderr, "jiayuanctl：未知命令「%s」\n\n", name)
		c.usage(c.stderr)
		return exitMisuse
	}
	lock, err := lockForWriting(name, args[1:]) // cmd/jiayuanctl/lock.go
	if err == nil {
		defer lock.Close()
		err = cmd.run(c, args[1:])
	}
	var ue usageError
	var fe failed
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		c.commandUsage(c.stdout, cmd)
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(c.stderr, "jiayuanctl %s：%s\n", cmd.name, ue.msg)
		fmt.Fprintf(c.stderr, "用法：jiayuanctl %s %s\n（运行 jiayuanctl help %s 查看说明）\n", cmd.name, cmd.args, cmd.name)
		return exitMisuse
	case errors.As(err, &fe):
		return exitFailure // the command has said why
	default:
		fmt.Fprintf(c.stderr, "jiayuanctl %s：错误：%v\n", cmd.name, err)
		return exitFailure
	}
}

// usageError is a misuse of a command (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func misuse(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// failed is a failure the command has already reported (exit status 1).
type failed struct{}

func (failed) Error() string { return "失败" }

// newFlags makes a command's flag set; the flag package's own messages are
// replaced by Chinese ones (see parseFlags).
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parseFlags parses args, allowing flags after positional arguments
// ("list communities --db F" and "list --db F communities" alike), and
// returns the positional ones.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{flagMessage(err)}
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

var (
	reUndefined = regexp.MustCompile(`^flag provided but not defined: (\S+)$`)
	reNeedsArg  = regexp.MustCompile(`^flag needs an argument: (\S+)$`)
	reBadValue  = regexp.MustCompile(`^invalid (?:boolean )?value "(.*)" for flag (\S+): `)
)

// flagMessage says in Chinese what the flag package found wrong. The
// package has no typed errors, so its messages are matched; an unknown
// one is passed on as it is.
func flagMessage(err error) string {
	msg := err.Error()
	if m := reUndefined.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("没有参数 %s", m[1])
	}
	if m := reNeedsArg.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("参数 %s 后面需要一个值", m[1])
	}
	if m := reBadValue.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("参数 %s 的值「%s」无效", m[2], m[1])
	}
	return "参数错误：" + msg
}

// noPositional refuses stray arguments.
func noPositional(args []string) error {
	if len(args) > 0 {
		return misuse("多余的参数：%s", strings.Join(args, " "))
	}
	return nil
}

// requireDB refuses a missing --db.
func requireDB(path string) error {
	if strings.TrimSpace(path) == "" {
		return misuse("缺少 --db：请用 --db 文件 指定数据文件")
	}
	return nil
}

// openExisting opens a data file that must exist already: reading commands
// never create an empty one by mistake.
// openFlags parses a command's flags, refuses stray arguments and opens
// the existing data file named by --db (path is read after parsing).
func (c *cli) openFlags(fs *flag.FlagSet, args []string, path *string) (*store.DB, error) {
	rest, err := parseFlags(fs, args)
	if err != nil {
		return nil, err
	}
	if err := noPositional(rest); err != nil {
		return nil, err
	}
	return c.openExisting(*path)
}

func (c *cli) openExisting(path string) (*store.DB, error) {
	if err := requireDB(path); err != nil {
		return nil, err
	}
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("数据文件不存在：%s", path)
	}
	if err != nil {
		return nil, fmt.Errorf("无法读取数据文件 %s：%w", path, err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s 是文件夹，不是数据文件", path)
	}
	return store.Open(c.ctx, path, store.Options{})
}
