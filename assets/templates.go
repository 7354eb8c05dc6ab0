package assets

import _ "embed"

// DefaultTemplateJSON is the default 「美好家园」 template: the seed's
// thirteen requirements item by item (see docs/TEMPLATE.md for the weights).
//
//go:embed templates/meihao-2024.json
var DefaultTemplateJSON []byte
