// Command jiayuan is the 家园巡检 desktop app. It only wires the parts
// together; the screens live in package ui.
package main

import (
	"context"
	"flag"
	"log"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"github.com/jiayuan-inspect/jiayuan/assets"
	"github.com/jiayuan-inspect/jiayuan/store"
	"github.com/jiayuan-inspect/jiayuan/store/demo"
	"github.com/jiayuan-inspect/jiayuan/ui"
)

// version is stamped by make dist (-ldflags "-X main.version=…", from git);
// shown in 设置 → 关于.
var version = "dev"

func main() {
	resumeGC := pauseGC() // until the first frame
	dbFlag := flag.String("db", "", "SQLite database `file` (default: the one chosen in 设置, else jiayuan.db in the user data folder)")
	opts := ui.Options{Version: version}
	flag.StringVar(&opts.Screen, "screen", "", "open this screen at start: communities, community, inspect, finalize, actions, settings, export, import, conflicts, devices, history")
	flag.StringVar(&opts.InspectionID, "inspection", "", "inspection `id` for --screen=inspect or finalize")
	flag.StringVar(&opts.CommunityID, "community", "", "community `id` for --screen=community")
	flag.StringVar(&opts.Item, "item", "", "item `code` to show with --screen=inspect")
	demoSize := flag.Int("demo-communities", demo.DefaultCommunities, "communities in the demo data written to an empty file")
	trace := flag.Bool("trace-startup", false, "print the start-up phases as they end: wall clock (ms since the epoch) and CPU time used (ms)")
	flag.Parse()
	opts.Packages = flag.Args() // package files opened with the app: queued in 导入数据包
	if *trace {
		opts.Trace = tracePhase
		opts.Trace("main")
		opts.OnFirstFrame = func() { opts.Trace("first-frame") }
		opts.OnReady = func() { opts.Trace("ready") }
	}
	traceFrame := opts.OnFirstFrame
	opts.OnFirstFrame = func() {
		if traceFrame != nil {
			traceFrame()
		}
		go resumeGC()
	}

	a := app.NewWithID("cn.gov.jiayuan.inspect")
	opts.Trace.Print("app")
	if err := ui.SetupLanguage(a); err != nil {
		log.Printf("load translations: %v", err)
	}
	a.Settings().SetTheme(ui.NewTheme())
	opts.FontsLoaded = ui.LoadFonts(opts.Trace) // while the data file and the window system open
	opts.Trace.Print("theme")
	// The window's icon is set after the first frame (decoding the PNG
	// and handing it to the window system cost ~5 ms before it).
	opts.Icon = fyne.NewStaticResource("icon.png", assets.IconPNG)

	// The data file opens on a goroutine while this one starts the window
	// system (NewWindow), which must run here.
	type opened struct {
		db   *store.DB
		lock *store.Lock
		err  error
	}
	clock := demo.NewClock() // the wall clock, except while demo data is written
	dbc := make(chan opened, 1)
	go func() {
		path, err := ui.DatabasePath(a, *dbFlag)
		if err != nil {
			dbc <- opened{err: err}
			return
		}
		// One app per data file: a second window on the same file says so and
		// does not open it (store.LockFile; jiayuanctl's reading commands still work).
		lock, err := store.LockFile(path)
		if err != nil {
			dbc <- opened{err: err}
			return
		}
		db, err := store.Open(context.Background(), path, store.Options{Now: clock.Now, Actor: ui.Actor(a)})
		if err != nil {
			lock.Close()
			dbc <- opened{err: err}
			return
		}
		opts.Trace.Print("db")
		dbc <- opened{db: db, lock: lock}
	}()
	opts.Window = a.NewWindow("家园巡检") // the title in the user's language is set by ui.New
	opts.Trace.Print("window")
	o := <-dbc
	if o.err != nil {
		// Start-up errors are shown in a window: the installed builds have no
		// console (-H=windowsgui, the .desktop entry), so log output is lost.
		log.Print(o.err)
		opts.Window.Close()
		a.SetIcon(opts.Icon)
		ui.ShowStartError(a, o.err)
		return
	}
	db, lock := o.db, o.lock
	defer lock.Close()
	defer db.Close()
	opts.DB, opts.Lock = db, lock
	opts.Prepare = func(ctx context.Context) error { return prepare(ctx, db, clock, *demoSize) }
	w := ui.New(a, opts)
	w.CheckAtStart() // audit verification, then the day's backup, in the background
	opts.Trace.Print("show")
	w.ShowAndRun()
}
