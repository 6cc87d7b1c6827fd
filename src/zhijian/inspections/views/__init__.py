"""Pages of 双随机、一公开, one module per audience: office, the inspector in the field, the registers, the public."""
