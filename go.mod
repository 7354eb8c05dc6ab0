module github.com/jiayuan-inspect/jiayuan

go 1.26.8
