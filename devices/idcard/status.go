package idcard

import (
	"errors"
	"fmt"
	"strings"
)

// Status is the reader's own status byte SW3.
type Status byte

// The SW3 codes of the protocol.
const (
	StatusOK              Status = 0x90 // success
	StatusCardFound       Status = 0x9F // find card: a card is present
	StatusChecksum        Status = 0x10 // the reader received a frame with a bad checksum
	StatusLength          Status = 0x11 // the reader received a frame with a bad length
	StatusCommand         Status = 0x21 // command error
	StatusUnauthorised    Status = 0x23 // unauthorised operation
	StatusUnrecognised    Status = 0x24 // unrecognised error
	StatusCardAuth        Status = 0x31 // the card failed to authenticate the SAM
	StatusSAMAuth         Status = 0x32 // the SAM failed to authenticate the card
	StatusVerification    Status = 0x33 // information verification error
	StatusCardType        Status = 0x40 // unrecognised card type
	StatusReadFailed      Status = 0x41 // reading the card failed
	StatusRandom          Status = 0x47 // get-random failed
	StatusSAMSelfTest     Status = 0x60 // SAM self-test failed
	StatusSAMUnauthorised Status = 0x66 // SAM not authorised
	StatusNoCard          Status = 0x80 // find card failed: no card
	StatusSelectFailed    Status = 0x81 // select card failed
	StatusNoContent       Status = 0x91 // no content for this item (e.g. no additional address)
)

// Sentinels matched by *StatusError through errors.Is, one per SW3 error code.
var (
	ErrReaderChecksum   = errors.New("idcard: reader received a frame with a bad checksum")
	ErrReaderLength     = errors.New("idcard: reader received a frame with a bad length")
	ErrBadCommand       = errors.New("idcard: reader rejected the command")
	ErrUnauthorised     = errors.New("idcard: operation not authorised")
	ErrUnrecognised     = errors.New("idcard: reader reported an unrecognised error")
	ErrCardAuth         = errors.New("idcard: card failed to authenticate the SAM")
	ErrSAMAuth          = errors.New("idcard: SAM failed to authenticate the card")
	ErrVerification     = errors.New("idcard: card information failed verification")
	ErrCardType         = errors.New("idcard: unrecognised card type")
	ErrReadFailed       = errors.New("idcard: reading the card failed")
	ErrRandom           = errors.New("idcard: get-random failed")
	ErrSAMSelfTest      = errors.New("idcard: SAM self-test failed")
	ErrSAMNotAuthorised = errors.New("idcard: SAM not authorised")
	ErrNoCard           = errors.New("idcard: no card on the reader")
	ErrSelectFailed     = errors.New("idcard: selecting the card failed")
	ErrNoContent        = errors.New("idcard: the card holds no content for this item")
	// ErrUnknownStatus matches a status code the protocol does not define.
	ErrUnknownStatus = errors.New("idcard: unknown reader status")
)

// statusInfo gives each error code its sentinel and its sentence for the kiosk screen.
var statusInfo = map[Status]struct {
	err error
	msg string
}{
	StatusChecksum:        {ErrReaderChecksum, "读卡器通信错误，请稍后再试"},
	StatusLength:          {ErrReaderLength, "读卡器通信错误，请稍后再试"},
	StatusCommand:         {ErrBadCommand, "读卡器通信错误，请稍后再试"},
	StatusUnauthorised:    {ErrUnauthorised, "读卡器未授权，请联系工作人员"},
	StatusUnrecognised:    {ErrUnrecognised, "读卡器发生未知错误，请联系工作人员"},
	StatusCardAuth:        {ErrCardAuth, "身份证认证失败，请重新放置身份证"},
	StatusSAMAuth:         {ErrSAMAuth, "身份证认证失败，请重新放置身份证"},
	StatusVerification:    {ErrVerification, "证件信息校验失败，请重新放置身份证"},
	StatusCardType:        {ErrCardType, "无法识别该卡片，请放置身份证或居住证"},
	StatusReadFailed:      {ErrReadFailed, "读卡失败，请重新放置身份证"},
	StatusRandom:          {ErrRandom, "读卡失败，请重新放置身份证"},
	StatusSAMSelfTest:     {ErrSAMSelfTest, "读卡器自检失败，请联系工作人员"},
	StatusSAMUnauthorised: {ErrSAMNotAuthorised, "读卡器未授权，请联系工作人员"},
	StatusNoCard:          {ErrNoCard, "请将身份证放在感应区"},
	StatusSelectFailed:    {ErrSelectFailed, "未能识别身份证，请重新放置"},
	StatusNoContent:       {ErrNoContent, "证件无此项内容"},
}

// StatusError is a reply whose SW3 reports a failure. It matches the sentinel of its code
// (ErrNoCard, ErrReadFailed, …) with errors.Is.
type StatusError struct {
	Command Command // the command that was answered
	SW1     byte    // passed through from the card
	SW2     byte    // passed through from the card
	SW3     Status  // the reader's status
}

// Error describes the failure in English, for logs.
func (e *StatusError) Error() string {
	what := strings.TrimPrefix(e.sentinel().Error(), "idcard: ")
	return fmt.Sprintf("idcard: %s: %s (SW %02X %02X %02X)", e.Command, what, e.SW1, e.SW2, byte(e.SW3))
}

// Is reports whether target is the sentinel of e's status code.
func (e *StatusError) Is(target error) bool { return target == e.sentinel() }

// Message is a short Chinese sentence for the kiosk screen.
func (e *StatusError) Message() string {
	if i, ok := statusInfo[e.SW3]; ok {
		return i.msg
	}
	return "读卡器发生未知错误，请联系工作人员"
}

func (e *StatusError) sentinel() error {
	if i, ok := statusInfo[e.SW3]; ok {
		return i.err
	}
	return ErrUnknownStatus
}

// checkStatus returns nil if resp answers cmd successfully, or a *StatusError.
func checkStatus(cmd Command, resp Response) error {
	ok := StatusOK
	if cmd == CmdFindCard {
		ok = StatusCardFound
	}
	if resp.SW3 == ok {
		return nil
	}
	return &StatusError{Command: cmd, SW1: resp.SW1, SW2: resp.SW2, SW3: resp.SW3}
}
