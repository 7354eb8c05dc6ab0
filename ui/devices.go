package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/jiayuan-inspect/jiayuan/exchange"
	"github.com/jiayuan-inspect/jiayuan/store"
)

// devicesScreen is 受信设备: this device's key (fingerprint and public key
// to hand to an office) and the office's encryption key (for inspectors to
// encrypt to), enrolling a device by its public key or by a package it
// signed, and the enrolled devices with their fingerprints, each of which
// can be revoked.
type devicesScreen struct {
	u *App

	ownFingerprint *widget.Label
	ownKey         *widget.Label
	recipient      *widget.Label
	makeRecipient  *widget.Button
	copyRecipient  *widget.Button

	enrolName   *widget.Entry
	enrolKey    *widget.Entry
	enrolPrint  *widget.Label
	enrol       *widget.Button
	fromPackage *widget.Button

	count   *widget.Label
	listBox *fyne.Container
	devices []store.TrustedDevice
	revokes map[string]*widget.Button // by device id, for tests
	loads   newest

	content fyne.CanvasObject
}

func newDevicesScreen(u *App) *devicesScreen {
	s := &devicesScreen{u: u, revokes: map[string]*widget.Button{}}
	dev := u.db.Device()
	s.ownFingerprint = widget.NewLabel(store.Fingerprint(dev.PublicKey))
	s.ownFingerprint.TextStyle.Monospace = true
	s.ownFingerprint.Selectable = true
	s.ownKey = widget.NewLabel(exchange.PublicKeyText(dev.PublicKey))
	s.ownKey.TextStyle.Monospace = true
	s.ownKey.Selectable = true
	s.ownKey.Wrapping = fyne.TextWrapBreak
	s.recipient = widget.NewLabel("")
	s.recipient.TextStyle.Monospace = true
	s.recipient.Selectable = true
	s.recipient.Wrapping = fyne.TextWrapBreak
	s.makeRecipient = widget.NewButtonWithIcon(lang.L("生成本单位加密公钥"), theme.ContentAddIcon(), s.createRecipient)
	s.copyRecipient = copyButton(u, func() string { return s.recipient.Text })
	s.copyRecipient.Hide()

	s.enrolName = widget.NewEntry()
	s.enrolName.SetPlaceHolder(lang.L("例如 张三的笔记本、鼓楼区住建局"))
	s.enrolKey = widget.NewMultiLineEntry()
	s.enrolKey.SetPlaceHolder(lang.L("粘贴对方的设备公钥"))
	s.enrolKey.Wrapping = fyne.TextWrapBreak
	s.enrolKey.SetMinRowsVisible(2)
	s.enrolKey.OnChanged = func(string) { s.previewKey() }
	s.enrolPrint = caption("")
	s.enrol = widget.NewButtonWithIcon(lang.L("登记"), theme.ConfirmIcon(), s.enrolPasted)
	s.enrol.Importance = widget.HighImportance
	s.enrol.Disable()
	s.fromPackage = widget.NewButtonWithIcon(lang.L("从数据包登记…"), theme.FileIcon(), s.chooseSignedPackage)
	s.previewKey()

	s.count = widget.NewLabel("")
	s.listBox = container.NewVBox()

	own := widget.NewCard(lang.L("本机设备"), dev.Name+" · "+dev.ID, widget.NewForm(
		widget.NewFormItem(lang.L("设备密钥指纹"), container.NewBorder(nil, nil, nil,
			copyButton(u, func() string { return s.ownFingerprint.Text }), s.ownFingerprint)),
		widget.NewFormItem(lang.L("设备公钥"), container.NewBorder(nil, nil, nil,
			copyButton(u, func() string { return s.ownKey.Text }), s.ownKey)),
		widget.NewFormItem("", caption(lang.L("把设备公钥交给区局、市局登记；对方也可以在第一次导入您的数据包时核对指纹后登记。"))),
		widget.NewFormItem(lang.L("本单位加密公钥"), container.NewBorder(nil, nil, nil,
			container.NewHBox(s.makeRecipient, s.copyRecipient), s.recipient)),
		widget.NewFormItem("", caption(lang.L("检查员导出时用它加密，只有本单位能打开。仅区局、市局需要。"))),
	))
	enrol := widget.NewCard(lang.L("登记设备"), "", widget.NewForm(
		widget.NewFormItem("", caption(lang.L("只登记您核对过指纹的设备：登记后它签名的数据包会直接导入。"))),
		widget.NewFormItem(lang.L("名称"), s.enrolName),
		widget.NewFormItem(lang.L("设备公钥"), s.enrolKey),
		widget.NewFormItem("", s.enrolPrint),
		widget.NewFormItem("", container.NewHBox(s.enrol, s.fromPackage)),
	))
	list := widget.NewCard(lang.L("已登记的设备"), "", container.NewVBox(s.count, s.listBox))
	split := container.NewHSplit(container.NewVBox(own, enrol), list)
	split.Offset = 0.55
	s.content = container.NewVScroll(container.NewPadded(split))
	return s
}

func (s *devicesScreen) reload() {
	var devs []store.TrustedDevice
	var ids []store.AgeIdentity
	s.loads.load(s.u, func(ctx context.Context) (err error) {
		if devs, err = s.u.db.TrustedDevices(ctx); err == nil {
			ids, err = s.u.db.AgeIdentities(ctx)
		}
		return err
	}, func() {
		s.devices = devs
		if len(ids) > 0 {
			s.showRecipient(ids[0].Recipient)
		} else {
			s.recipient.SetText(lang.L("（尚未生成）"))
		}
		s.showList()
	})
}

func (s *devicesScreen) showRecipient(r string) {
	s.recipient.SetText(r)
	s.makeRecipient.Hide()
	s.copyRecipient.Show()
}

func (s *devicesScreen) createRecipient() {
	s.u.busy(lang.L("正在生成密钥…"), func(ctx context.Context) error {
		r, err := exchange.OfficeRecipient(ctx, s.u.db)
		if err == nil {
			fyne.Do(func() { s.showRecipient(r) })
		}
		return err
	}, func(err error) { s.u.showError(err) })
}

func (s *devicesScreen) showList() {
	s.listBox.RemoveAll()
	s.revokes = map[string]*widget.Button{}
	active := 0
	for _, d := range s.devices {
		if d.RevokedAt == nil {
			active++
		}
		s.listBox.Add(s.deviceRow(d))
	}
	s.count.SetText(fmt.Sprintf(lang.L("受信 %d 台，已吊销 %d 台"), active, len(s.devices)-active))
	if len(s.devices) == 0 {
		s.listBox.Add(caption(lang.L("还没有登记其他设备。未登记设备签名的数据包导入时会先暂停，等您核对指纹。")))
	}
}

func (s *devicesScreen) deviceRow(d store.TrustedDevice) fyne.CanvasObject {
	name := widget.NewLabel(d.Name)
	if d.Name == "" {
		name.SetText(lang.L("（未命名）"))
	}
	name.TextStyle.Bold = true
	state := widget.NewLabel(lang.L("受信"))
	state.Importance = widget.SuccessImportance
	fp := widget.NewLabel(d.Fingerprint)
	fp.TextStyle.Monospace = true
	fp.Selectable = true
	info := caption(fmt.Sprintf(lang.L("设备编号 %s · %s 由 %s 登记"), d.ID, formatDateTime(d.EnrolledAt), d.EnrolledBy))
	right := []fyne.CanvasObject{state}
	if d.RevokedAt != nil {
		state.SetText(fmt.Sprintf(lang.L("已吊销（%s）"), formatDateTime(*d.RevokedAt)))
		state.Importance = widget.DangerImportance
	} else {
		revoke := widget.NewButtonWithIcon(lang.L("吊销"), theme.DeleteIcon(), func() { s.confirmRevoke(d) })
		revoke.Importance = widget.DangerImportance
		s.revokes[d.ID] = revoke
		right = append(right, revoke)
	}
	return container.NewVBox(container.NewBorder(nil, nil, nil, container.NewHBox(right...), name), fp, info, widget.NewSeparator())
}

func (s *devicesScreen) confirmRevoke(d store.TrustedDevice) {
	dialog.NewConfirm(lang.L("吊销设备"),
		wrapText(fmt.Sprintf(lang.L("吊销「%s」（%s）？吊销后它签名的数据包都会被拒绝；已经导入的记录保留。"), d.Name, d.ID), 56),
		func(ok bool) {
			if ok {
				s.revoke(d.ID)
			}
		}, s.u.window).Show()
}

// revoke stops trusting a device (after the confirmation).
func (s *devicesScreen) revoke(id string) {
	s.u.busy(lang.L("正在保存…"), func(ctx context.Context) error {
		return s.u.db.RevokeDevice(ctx, id)
	}, func(err error) {
		if err != nil {
			s.u.showError(err)
		}
		s.reload()
	})
}

// previewKey shows the fingerprint of the pasted key, to compare with the
// other device's screen before enrolling it.
func (s *devicesScreen) previewKey() {
	text := strings.TrimSpace(s.enrolKey.Text)
	if text == "" {
		s.enrolPrint.Importance = widget.MediumImportance
		s.enrolPrint.SetText(lang.L("粘贴后这里显示指纹，请与对方屏幕上的设备密钥指纹逐组核对。"))
		s.enrol.Disable()
		return
	}
	pub, err := exchange.ParsePublicKey(text)
	if err != nil {
		s.enrolPrint.Importance = widget.DangerImportance
		s.enrolPrint.SetText(lang.L("设备公钥无法识别，请完整复制。"))
		s.enrol.Disable()
		return
	}
	s.enrolPrint.Importance = widget.WarningImportance
	s.enrolPrint.SetText(fmt.Sprintf(lang.L("指纹：%s（设备编号 %s）"), store.Fingerprint(pub), store.DeviceID(pub)))
	s.enrol.Enable()
}

// enrolPasted enrols the device whose key was pasted.
func (s *devicesScreen) enrolPasted() {
	pub, err := exchange.ParsePublicKey(s.enrolKey.Text)
	if err != nil {
		s.u.showError(err)
		return
	}
	name := strings.TrimSpace(s.enrolName.Text)
	s.u.busy(lang.L("正在保存…"), func(ctx context.Context) error {
		_, err := s.u.db.TrustDevice(ctx, pub, name)
		return err
	}, func(err error) {
		if err != nil {
			s.u.showError(err)
			return
		}
		s.enrolKey.SetText("")
		s.enrolName.SetText("")
		s.reload()
	})
}

// chooseSignedPackage enrols the signer of a package after showing its
// fingerprint.
func (s *devicesScreen) chooseSignedPackage() {
	s.u.showFileOpen([]string{exchange.Extension}, "", func(path string) {
		s.u.busy(lang.L("正在校验数据包…"), func(ctx context.Context) error {
			info, err := exchange.ReadSigner(ctx, s.u.db, path, exchange.Limits{})
			if err == nil {
				fyne.Do(func() { s.confirmSigner(info) })
			}
			return err
		}, func(err error) { s.u.showError(err) })
	})
}

func (s *devicesScreen) confirmSigner(info exchange.SignerInfo) {
	if info.Trust != store.TrustUnknown {
		s.u.info(lang.L("提示"), fmt.Sprintf(lang.L("该数据包的签名设备「%s」状态为：%s。"), info.Name, info.Trust))
		return
	}
	dialog.NewConfirm(lang.L("登记设备"),
		wrapText(fmt.Sprintf(lang.L("登记「%s」（设备编号 %s）？"), info.Name, info.ID)+"\n"+
			fmt.Sprintf(lang.L("指纹：%s"), info.Fingerprint)+"\n"+lang.L("请与对方屏幕上的设备密钥指纹逐组核对，一致才登记。"), 56),
		func(ok bool) {
			if !ok {
				return
			}
			s.u.busy(lang.L("正在保存…"), func(ctx context.Context) error {
				_, err := s.u.db.TrustDevice(ctx, info.PublicKey, info.Name)
				return err
			}, func(err error) {
				s.u.showError(err)
				s.reload()
			})
		}, s.u.window).Show()
}
