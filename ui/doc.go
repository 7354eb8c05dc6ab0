// Package ui holds the Fyne screens of 家园巡检: the main window with its
// tabs (小区列表, 检查, 导入导出, 统计, 设置), one file per screen, and the theme
// that draws every text style with the bundled Chinese font.
//
// Screens show and edit domain values; they never run SQL. Goroutines touch
// widgets only through fyne.Do.
package ui
